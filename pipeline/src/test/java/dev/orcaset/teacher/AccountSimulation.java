package dev.orcaset.teacher;

import dev.orcaset.teacher.sim.WindowLimit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.PriorityQueue;

/**
 * Workers sharing one provider account, on a simulated clock: each worker sends as soon as its
 * {@link RateLimiter} lets it (no in-flight cap, so the limiter alone sets the pace), the account
 * admits or refuses as a {@link WindowLimit} of the given style does, and every answer arrives a
 * latency later (a refusal a round trip later) with the headers (or not) and `retry-after` (or not)
 * the options say. What the workers do not share is anything but the account.
 */
final class AccountSimulation {
  static final long MS = 1_000_000L;
  static final long SECOND = 1_000 * MS;

  record Options(
      WindowLimit.Style style,
      int windowSeconds,
      long rpm,
      int workers,
      boolean tellWorkersTheLimit,
      boolean headers,
      boolean retryAfter,
      long latencyMillis,
      long staggerMillis,
      int requestsPerWorker,
      long tokensPerRequest) {
    /** Workers that start 7 ms apart, as processes launched together do. */
    Options(
        WindowLimit.Style style,
        int windowSeconds,
        long rpm,
        int workers,
        boolean tellWorkersTheLimit,
        boolean headers,
        boolean retryAfter,
        long latencyMillis) {
      this(
          style,
          windowSeconds,
          rpm,
          workers,
          tellWorkersTheLimit,
          headers,
          retryAfter,
          latencyMillis,
          7,
          0,
          0);
    }

    /**
     * The account limits tokens, not requests: {@code rpm} requests of {@code tokensPerRequest}
     * each (as the server counts them) fill it; workers are told that many tokens a minute and
     * estimate each request {@value #OVERESTIMATE} times as large, as four characters a token does.
     */
    static Options tokenBound(
        WindowLimit.Style style, int windowSeconds, long rpm, long tokensPerRequest) {
      return new Options(
          style, windowSeconds, rpm, 1, true, true, true, 800, 7, 0, tokensPerRequest);
    }

    static final double OVERESTIMATE = 1.04;

    long tpm() {
      return rpm * tokensPerRequest;
    }
  }

  /** How long putting one request on the wire takes. */
  static final long SEND_NANOS = 10_000;

  /** How long a 429 takes to come back: a round trip over the internet. */
  static final long REFUSAL_MILLIS = 50;

  /** Requests a worker may have in flight, as `teacher.concurrency` caps them. */
  static final int CONCURRENCY = 256;

  /** What happened: admitted times (for window counts), refusals, and the run's length. */
  record Outcome(List<Long> admitted, long refused, long seconds, long rpm, int windowSeconds) {
    /** Admitted over what the limit allows from the start to the last admitted request. */
    double achievedRatio() {
      long span = admitted.isEmpty() ? seconds * SECOND : admitted.get(admitted.size() - 1);
      return admitted.size() / (Math.min(seconds * SECOND, Math.max(span, 1)) / 1e9 * rpm / 60.0);
    }

    double refusedShare() {
      return refused / (double) (refused + admitted.size());
    }

    /** The most admitted requests any window of {@code windowSeconds}, at any alignment, saw. */
    long mostInAnyWindow(int windowSeconds) {
      long most = 0;
      ArrayDeque<Long> in = new ArrayDeque<>();
      for (long t : admitted) {
        in.addLast(t);
        while (in.peekFirst() <= t - windowSeconds * SECOND) {
          in.pollFirst();
        }
        most = Math.max(most, in.size());
      }
      return most;
    }
  }

  private record Event(long at, int worker, boolean send, RateLimiter.Feedback feedback)
      implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      return Long.compare(at, o.at);
    }
  }

  private long now;
  private long busyNanos;
  private long lateNanos;
  private long deafNanos;

  /**
   * Every worker's process is busy for its first {@code forMillis}, as JVMs that start together on
   * a few cores are: a waiting request comes back for its turn {@code lateMillis} late, and answers
   * (refusals too) are read {@code deafMillis} after they arrive.
   */
  AccountSimulation busyAtStart(long forMillis, long lateMillis, long deafMillis) {
    busyNanos = forMillis * MS;
    lateNanos = lateMillis * MS;
    deafNanos = deafMillis * MS;
    return this;
  }

  private boolean busy(Options o, int worker, long at) {
    return at < startOf(o, worker) + busyNanos;
  }

  /** When a worker starts: a little after the one before it, as processes do. */
  private static long startOf(Options o, int worker) {
    return worker * o.staggerMillis() * MS;
  }

  Outcome run(Options o, long seconds) {
    boolean tokenBound = o.tokensPerRequest() > 0;
    long cost = Math.max(1, o.tokensPerRequest());
    long estimate = tokenBound ? Math.round(cost * Options.OVERESTIMATE) : 0;
    WindowLimit account =
        new WindowLimit(o.style(), tokenBound ? o.tpm() : o.rpm(), o.windowSeconds(), () -> now);
    List<RateLimiter> workers = new ArrayList<>();
    for (int i = 0; i < o.workers(); i++) {
      long told = o.tellWorkersTheLimit() ? (tokenBound ? o.tpm() : o.rpm()) : 0;
      workers.add(
          tokenBound ? new RateLimiter(0, told, () -> now) : new RateLimiter(told, 0, () -> now));
    }
    PriorityQueue<Event> events = new PriorityQueue<>();
    for (int i = 0; i < o.workers(); i++) {
      events.add(new Event(startOf(o, i), i, true, null));
    }
    int[] inFlight = new int[o.workers()];
    int[] done = new int[o.workers()];
    boolean[] waiting = new boolean[o.workers()];
    List<Long> admitted = new ArrayList<>();
    long refused = 0;
    long end = seconds * SECOND;
    boolean trace = Boolean.getBoolean("orcaset.simTrace");
    long nextTrace = 0;
    long tracedAdmitted = 0;
    long tracedRefused = 0;
    while (!events.isEmpty()) {
      Event e = events.poll();
      now = e.at();
      if (trace && now >= nextTrace) {
        StringBuilder line = new StringBuilder();
        line.append(
            String.format(
                "t=%5.1f admitted %4d refused %4d rpm",
                now / 1e9, admitted.size() - tracedAdmitted, refused - tracedRefused));
        for (RateLimiter w : workers) {
          line.append(String.format(" %6.0f", w.currentRpm()));
        }
        System.out.println(line);
        tracedAdmitted = admitted.size();
        tracedRefused = refused;
        nextTrace += Long.getLong("orcaset.simTraceMs", 1000) * MS;
      }
      RateLimiter limiter = workers.get(e.worker());
      if (!e.send()) {
        limiter.onResponse(e.feedback());
        if (!e.feedback().rateLimited()) {
          done[e.worker()]++;
        } else if (o.requestsPerWorker() > 0 && !waiting[e.worker()]) {
          events.add(new Event(now, e.worker(), true, null)); // asked again, as a retry is
        }
        inFlight[e.worker()]--;
        if (waiting[e.worker()]) { // a slot is free again: the worker asks for its next turn
          waiting[e.worker()] = false;
          events.add(new Event(now, e.worker(), true, null));
        }
        continue;
      }
      int quota = o.requestsPerWorker();
      if (now >= end || (quota > 0 && done[e.worker()] + inFlight[e.worker()] >= quota)) {
        continue; // a worker with its share of the questions asked, or in flight, has no more
      }
      long notYet = limiter.tryAcquire(estimate);
      if (notYet > 0) { // the head of the worker's queue sleeps until its turn, then asks again
        long late = busy(o, e.worker(), now) ? lateNanos : 0;
        events.add(new Event(now + notYet + late, e.worker(), true, null));
        continue;
      }
      inFlight[e.worker()]++;
      long wait = account.take(cost);
      RateLimiter.Feedback f;
      if (wait == 0) {
        admitted.add(now);
        f = ok(o, account, now);
      } else {
        refused++;
        f =
            RateLimiter.Feedback.refused(
                now, o.retryAfter() ? OptionalLong.of(wait) : OptionalLong.empty());
      }
      // A refusal comes back a round trip later: the account refuses before the model runs.
      long answerAt = now + (f.rateLimited() ? REFUSAL_MILLIS : o.latencyMillis()) * MS;
      if (busy(o, e.worker(), answerAt)) {
        answerAt += deafNanos;
      }
      events.add(new Event(answerAt, e.worker(), false, f));
      if (inFlight[e.worker()] < CONCURRENCY) {
        // Sending one takes a few microseconds: no two sends of a worker share a time.
        events.add(new Event(now + SEND_NANOS, e.worker(), true, null));
      } else {
        waiting[e.worker()] = true;
      }
    }
    return new Outcome(admitted, refused, seconds, o.rpm(), o.windowSeconds());
  }

  private static RateLimiter.Feedback ok(Options o, WindowLimit account, long sentAt) {
    if (!o.headers()) {
      return RateLimiter.Feedback.ok(sentAt);
    }
    long remaining = account.remaining() * 60 / o.windowSeconds();
    OptionalLong none = OptionalLong.empty();
    OptionalLong reset = OptionalLong.of(account.resetNanos());
    if (o.tokensPerRequest() > 0) {
      return new RateLimiter.Feedback(
          sentAt,
          false,
          none,
          none,
          none,
          OptionalLong.of(o.tpm()),
          OptionalLong.of(remaining),
          none,
          reset);
    }
    return new RateLimiter.Feedback(
        sentAt,
        false,
        none,
        OptionalLong.of(o.rpm()),
        OptionalLong.of(remaining),
        none,
        none,
        reset,
        none);
  }
}
