package dev.orcaset.teacher;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Stops a run that cannot succeed instead of letting it write every row to `failed/`: when most of
 * the first or of the last {@code window} questions failed permanently (a key without access to the
 * model, every prompt rejected), or when nothing has been answered for {@code maxStallNanos} while
 * retries keep happening (sustained 429s, a dead server).
 */
public final class CircuitBreaker {
  /** "Most": this share of a full window failing permanently trips the breaker. */
  static final double RATIO = 0.8;

  private final int window;
  private final long maxStallNanos;
  private final Ticker ticker;
  private final Deque<Boolean> last = new ArrayDeque<>();
  private int permanentInLast;
  private int seen;
  private int permanentInFirst;
  private long lastProgressNanos;
  private String lastFailure = "";

  /**
   * {@code window} 0 disables the ratio checks; {@code maxStallNanos} 0 disables the stall check.
   */
  public CircuitBreaker(int window, long maxStallNanos, Ticker ticker) {
    this.window = window;
    this.maxStallNanos = maxStallNanos;
    this.ticker = ticker;
    this.lastProgressNanos = ticker.nanos();
  }

  /** Records a finished question; returns why the run should stop, if it should. */
  public synchronized Optional<String> record(boolean permanentFailure, String failureMessage) {
    if (window == 0) {
      return Optional.empty();
    }
    lastProgressNanos = ticker.nanos(); // an answer or a definite failure is progress
    if (permanentFailure) {
      lastFailure = failureMessage;
    }
    seen++;
    if (seen <= window && permanentFailure) {
      permanentInFirst++;
    }
    last.addLast(permanentFailure);
    if (permanentFailure) {
      permanentInLast++;
    }
    if (last.size() > window && last.removeFirst()) {
      permanentInLast--;
    }
    if (seen == window && permanentInFirst >= RATIO * window) {
      return Optional.of(trip(permanentInFirst + " of the first " + window));
    }
    if (last.size() == window && permanentInLast >= RATIO * window) {
      return Optional.of(trip(permanentInLast + " of the last " + window));
    }
    return Optional.empty();
  }

  /** Called on every retry; returns why the run should stop if nothing moved for too long. */
  public synchronized Optional<String> onRetry(int status) {
    if (maxStallNanos == 0) {
      return Optional.empty();
    }
    long stalled = ticker.nanos() - lastProgressNanos;
    if (stalled < maxStallNanos) {
      return Optional.empty();
    }
    String what =
        status == 429
            ? "only rate limits (429)"
            : status == 0 ? "only dropped connections" : "only HTTP " + status;
    return Optional.of(
        "no question was answered for "
            + stalled / 60_000_000_000L
            + " minutes, "
            + what
            + ": the teacher is not keeping up; check its limits or status, then resume");
  }

  private String trip(String count) {
    return count
        + " questions were rejected by the teacher (last: "
        + lastFailure
        + "); stopping instead of writing every row to failed/. Check teacher.model, the key's"
        + " access to it, and the inputs' size against the model's context";
  }
}
