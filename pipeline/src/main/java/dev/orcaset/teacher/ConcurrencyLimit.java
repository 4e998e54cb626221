package dev.orcaset.teacher;

import java.util.function.LongSupplier;

/**
 * How many requests a worker may have in flight: at most {@code max} (`teacher.concurrency`), and,
 * when adaptive, no more than the server turns into throughput.
 *
 * <p>Self-hosted servers (vLLM, TGI, llama.cpp) do not refuse extra work with a 429: they queue it,
 * and each answer takes longer while throughput stays flat. More requests in flight then only add
 * latency and memory. So the limit is tuned on throughput, estimated per window of about one
 * limit's worth of answers by Little's law (mean in flight / mean latency, both steadier than
 * counting answers per second): starting at {@code max}, it tries 15% fewer in flight and keeps the
 * lower limit while throughput holds (within {@code SAME}); once that costs throughput it goes back
 * up, and from then on tries a quarter more now and then, keeping it only if throughput grows. A
 * probe that failed makes the next one wait twice as long, so a hosted API whose throughput grows
 * with concurrency stays at {@code max} at almost no cost. After a change only answers to requests
 * sent under the new limit count.
 */
public final class ConcurrencyLimit {
  /** Throughput within this share of the reference counts as "the same". */
  static final double SAME = 0.95;

  static final double DOWN = 0.85;
  static final double UP = 1.25;
  static final int MIN_WINDOW = 20;
  static final int FIRST_PAUSE = 8;
  static final int MAX_PAUSE = 128;

  private enum Phase {
    PROBING,
    HOLDING
  }

  private final int max;
  private final boolean adaptive;
  private int limit;
  private int inFlight;
  private Phase phase = Phase.HOLDING;
  private final LongSupplier clock;
  private long epochStart; // answers to requests sent before this do not count
  private int previousLimit;
  private double reference; // throughput at previousLimit
  private int pause = FIRST_PAUSE;
  private int held;
  private boolean nextProbeDown = true;
  private boolean warm;
  private int windowCount;
  private double windowLatency;
  private double windowInFlight;
  private int changes;

  public ConcurrencyLimit(int max, boolean adaptive) {
    this(max, adaptive, System::nanoTime);
  }

  ConcurrencyLimit(int max, boolean adaptive, LongSupplier clock) {
    this.max = max;
    this.adaptive = adaptive;
    this.clock = clock;
    this.epochStart = clock.getAsLong();
    this.limit = max;
    this.held = pause - 1; // probe right after warm-up: a server's capacity is unknown
  }

  /** Waits for room under the limit; this wait is the pipeline's back-pressure. */
  public synchronized void acquire() throws InterruptedException {
    while (inFlight >= limit) {
      wait();
    }
    inFlight++;
  }

  public synchronized void release() {
    inFlight--;
    notifyAll();
  }

  /** One successful answer arrived after {@code nanos} at the server. */
  public synchronized void onLatency(long nanos) {
    if (!adaptive) {
      return;
    }
    long now = clock.getAsLong();
    if (now - nanos - epochStart < 0) {
      return; // sent under the previous limit
    }
    windowLatency += nanos / 1e9;
    windowInFlight += inFlight;
    windowCount++;
    if (windowCount >= Math.max(limit, MIN_WINDOW)) {
      double throughput =
          windowInFlight / Math.max(1e-9, windowLatency); // Little: L / W, the n's cancel
      windowCount = 0;
      windowLatency = 0;
      windowInFlight = 0;
      judge(throughput);
    }
  }

  private void judge(double throughput) {
    if (!warm) {
      warm = true; // the first window fills the pipe: its latencies are not the steady state's
      return;
    }
    if (phase == Phase.PROBING) {
      boolean lower = limit < previousLimit;
      boolean kept = lower ? throughput >= SAME * reference : throughput * SAME > reference;
      if (kept) {
        pause = FIRST_PAUSE;
        nextProbeDown = lower;
        reference = throughput;
        probe(); // it paid off: take the next step the same way at once
        return;
      }
      setLimit(previousLimit);
      pause = Math.min(MAX_PAUSE, pause * 2);
      nextProbeDown = !lower;
      held = 0;
      phase = Phase.HOLDING;
      return;
    }
    reference = throughput;
    if (++held >= pause) {
      held = 0;
      probe();
    }
  }

  private void probe() {
    int next =
        nextProbeDown
            ? Math.max(1, (int) (limit * DOWN))
            : Math.min(max, (int) Math.ceil(limit * UP));
    if (next == limit) {
      nextProbeDown = !nextProbeDown; // at max (or 1): try the other way next time
      phase = Phase.HOLDING;
      return;
    }
    previousLimit = limit;
    setLimit(next);
    phase = Phase.PROBING;
  }

  private void setLimit(int next) {
    if (next != limit) {
      changes++;
      epochStart = clock.getAsLong();
      windowCount = 0;
      windowLatency = 0;
      windowInFlight = 0;
    }
    boolean more = next > limit;
    limit = next;
    if (more) {
      notifyAll();
    }
  }

  public synchronized int inFlight() {
    return inFlight;
  }

  public synchronized int limit() {
    return limit;
  }

  /** How often the limit moved. */
  public synchronized int changes() {
    return changes;
  }
}
