package dev.orcaset.teacher;

import dev.orcaset.cost.Price;
import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's teacher activity, reported every few seconds while answers arrive, so a long run shows
 * that it is alive, how fast it goes and what it has cost: on a terminal as one line rewritten in
 * place, otherwise as log lines. One per shared teacher (per worker JVM and run).
 */
final class Progress implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong promptTokens = new AtomicLong();
  private final AtomicLong completionTokens = new AtomicLong();
  private final AtomicLong total = new AtomicLong(-1);
  private final IntSupplier inFlight;
  private final IntSupplier limit;
  private final LongSupplier rateLimited;
  private final Price price;
  private final PrintStream terminal;
  private final ScheduledExecutorService timer;
  private final long startNanos = System.nanoTime();
  private long lastReported = -1;

  /** {@code terminal} null: report as log lines; {@code price} null: cost unknown. */
  Progress(
      IntSupplier inFlight,
      IntSupplier limit,
      LongSupplier rateLimited,
      Price price,
      PrintStream terminal,
      long everySeconds) {
    this.inFlight = inFlight;
    this.limit = limit;
    this.rateLimited = rateLimited;
    this.price = price;
    this.terminal = terminal;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "orcaset-progress");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleAtFixedRate(this::report, everySeconds, everySeconds, TimeUnit.SECONDS);
  }

  void answered(long prompt, long completion) {
    answered.incrementAndGet();
    promptTokens.addAndGet(prompt);
    completionTokens.addAndGet(completion);
  }

  void failed() {
    failed.incrementAndGet();
  }

  void retried() {
    retries.incrementAndGet();
  }

  /** The number of questions this run sends, once known (for done/total and ETA). */
  void total(long n) {
    total.compareAndSet(-1, n);
  }

  String line() {
    long done = answered.get() + failed.get();
    double seconds = Math.max(0.001, (System.nanoTime() - startNanos) / 1e9);
    double rate = done / seconds;
    long all = total.get();
    StringBuilder sb = new StringBuilder("teacher: ");
    if (all > 0) {
      sb.append(String.format("%d/%d (%.1f%%)", done, all, 100.0 * done / all));
    } else {
      sb.append(done);
    }
    sb.append(
        String.format(
            ", %.1f/s, %.0f tok/s", rate, (promptTokens.get() + completionTokens.get()) / seconds));
    if (all > 0 && rate > 0 && done < all) {
      sb.append(", ETA ").append(duration((long) ((all - done) / rate)));
    }
    sb.append(
        String.format(
            ", %d in flight (limit %d), %d retries, %d 429s, %d failed, tokens %d in / %d out",
            inFlight.getAsInt(),
            limit.getAsInt(),
            retries.get(),
            rateLimited.getAsLong(),
            failed.get(),
            promptTokens.get(),
            completionTokens.get()));
    if (price != null) {
      sb.append(String.format(", ~$%.4f", price.usd(promptTokens.get(), completionTokens.get())));
    }
    return sb.toString();
  }

  private synchronized void report() {
    long done = answered.get() + failed.get();
    if (done == lastReported) {
      return; // quiet while nothing moves (e.g. before the teacher stage starts)
    }
    lastReported = done;
    if (terminal != null) {
      terminal.print("\r" + line() + "\u001b[K");
      terminal.flush();
    } else {
      LOG.info(line());
    }
  }

  private static String duration(long s) {
    return s >= 3600
        ? String.format("%dh%02dm", s / 3600, s / 60 % 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }

  @Override
  public void close() {
    timer.shutdownNow();
    if (terminal != null && lastReported >= 0) {
      terminal.println(); // leave the last progress line in place
    }
  }
}
