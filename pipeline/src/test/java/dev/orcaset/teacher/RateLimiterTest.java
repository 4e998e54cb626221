package dev.orcaset.teacher;

import static dev.orcaset.teacher.AccountSimulation.MS;
import static dev.orcaset.teacher.AccountSimulation.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.teacher.AccountSimulation.Options;
import dev.orcaset.teacher.AccountSimulation.Outcome;
import dev.orcaset.teacher.sim.WindowLimit.Style;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The limiter against every way an account enforces 6,000 RPM, on a simulated clock: the most
 * requests any window of the enforced size saw, the rate achieved, and the 429s, for one worker and
 * for several that share the account without knowing of each other.
 */
class RateLimiterTest {
  private long now;
  private final Ticker clock = () -> now;

  private static String describe(Outcome r, int window) {
    return report(
        String.format(
            "ratio %.3f, refused %.2f%%, most in a %d s window %d",
            r.achievedRatio(), 100 * r.refusedShare(), window, r.mostInAnyWindow(window)));
  }

  /** Printed too: the figures the README's table quotes come from these runs. */
  private static String report(String what) {
    System.out.println("limiter on a simulated clock: " + what);
    return what;
  }

  @ParameterizedTest(name = "{0} {1} s window, told the limit")
  @CsvSource({"SLIDING, 1", "SLIDING, 10", "SLIDING, 60", "FIXED, 1", "BUCKET, 1"})
  void oneWorkerToldTheLimit_neverOverfillsAWindow_andReachesTheLimit(Style style, int window) {
    Outcome r =
        new AccountSimulation()
            .run(new Options(style, window, 6_000, 1, true, true, true, 800), 180);
    String what = describe(r, window);
    assertTrue(r.mostInAnyWindow(window) <= 100L * window, what);
    assertTrue(r.mostInAnyWindow(1) <= 100, "no second sees more than a second's share: " + what);
    assertEquals(0, r.refusedShare(), 0.0, what);
    assertTrue(r.achievedRatio() >= 0.95, what);
  }

  @ParameterizedTest(name = "{0} {1} s window, limit from the headers")
  @CsvSource({"SLIDING, 1", "SLIDING, 60", "FIXED, 1", "BUCKET, 1"})
  void oneWorkerLearnsTheLimitFromTheHeaders(Style style, int window) {
    Outcome r =
        new AccountSimulation()
            .run(new Options(style, window, 6_000, 1, false, true, true, 800), 180);
    String what = describe(r, window);
    assertTrue(r.achievedRatio() >= 0.95, what);
    assertTrue(r.refusedShare() < 0.01, what);
  }

  /**
   * An account that limits tokens (prompt estimate plus max_tokens, about 1,060 a request), whose
   * count the worker's estimate exceeds by 4%: paced so that no window holds more requests than its
   * budget fits, 0.97 / 1.04 of the ceiling. Where a window's budget holds only four and a bit
   * (300k TPM over 1 s windows), four a window is the most any client gets: 0.85 of the ceiling.
   */
  @ParameterizedTest(name = "{0} requests a minute fill it, {1} {2} s window")
  @CsvSource({
    "1880, SLIDING, 1, 0.92",
    "1880, BUCKET, 1, 0.92",
    "1880, SLIDING, 60, 0.92",
    "282, SLIDING, 1, 0.80"
  })
  void aTokenLimit_neverOverfillsAWindow(long rpm, Style style, int window, double least) {
    Outcome r = new AccountSimulation().run(Options.tokenBound(style, window, rpm, 1_062), 180);
    String what = describe(r, window);
    long fits = (long) Math.floor(rpm * 1_062 * window / 60.0 / 1_062);
    assertTrue(r.mostInAnyWindow(window) <= fits, what);
    assertEquals(0, r.refusedShare(), 0.0, what);
    assertTrue(r.achievedRatio() >= least, what);
  }

  @Test
  void noHeaders_butTheLimitGiven_holdsIt() {
    Outcome r =
        new AccountSimulation()
            .run(new Options(Style.SLIDING, 1, 6_000, 1, true, false, true, 800), 180);
    assertTrue(r.achievedRatio() >= 0.90 && r.refusedShare() < 0.02, describe(r, 1));
  }

  @Test
  void noHeadersAndNoLimitGiven_discoversItFrom429sAlone() {
    Outcome r =
        new AccountSimulation()
            .run(new Options(Style.SLIDING, 1, 6_000, 1, false, false, true, 800), 50);
    assertTrue(r.achievedRatio() >= 0.85, describe(r, 1));
  }

  /**
   * Several workers on one account, each told its whole limit (two jobs on one key), sharing it
   * through the account's headers and 429s alone: together at least 0.90 of the limit, fewer than
   * 2% of requests refused, whatever the style. A sliding window's use, and where an aligned one's
   * is heading, are the account's rate, which every worker reads: there they hold 0.95 of it with
   * under 1% refused (probing past it into 429s held 0.913 to 0.942, 1.08% refused on a 1 s sliding
   * window, 1.47% on a fixed one).
   */
  @ParameterizedTest(name = "{0} workers, {1} {2} s window")
  @CsvSource({
    "2, SLIDING, 1, 0.96, 0.005",
    "4, SLIDING, 1, 0.96, 0.005",
    "4, SLIDING, 10, 0.95, 0.01",
    // most of these are the first window's: four workers fill a minute's budget before any 429
    "4, SLIDING, 60, 0.95, 0.01",
    "4, FIXED, 1, 0.95, 0.01",
    "2, BUCKET, 1, 0.90, 0.02",
    "4, BUCKET, 1, 0.90, 0.02"
  })
  void workersThatDoNotKnowOfEachOther_shareTheAccount(
      int workers, Style style, int window, double leastRatio, double mostRefused) {
    Outcome r =
        new AccountSimulation()
            .run(new Options(style, window, 6_000, workers, true, true, true, 800), 180);
    String what = describe(r, window);
    assertTrue(r.achievedRatio() >= leastRatio, what);
    assertTrue(r.refusedShare() < mostRefused, what);
  }

  /**
   * Four worker pools as separate processes start them: up to 1.5 s apart, each with a quarter of
   * 5,000 questions, so they also finish apart and the last ones must take the room the first
   * leave. Together, over the five spreads of starting times, at least 0.90 of the limit on average
   * and under 2% of requests refused in every run (the README's rows over real HTTP are these
   * cases); on a sliding or fixed window, whose room every worker reads, under 1.25% and 1% (1.34%
   * to 1.65% and 1.22% to 1.61% while workers probed past it).
   */
  @ParameterizedTest(name = "{0} 1 s window")
  @CsvSource({"SLIDING, 0.0125", "FIXED, 0.01", "BUCKET, 0.02"})
  void workerPoolsThatStartAndFinishApart_shareTheAccount(Style style, double mostRefused) {
    double ratios = 0;
    List<String> runs = new ArrayList<>();
    long[] staggers = {7, 150, 300, 700, 1_500};
    for (long stagger : staggers) {
      Outcome r =
          new AccountSimulation()
              .run(new Options(style, 1, 6_000, 4, true, true, true, 800, stagger, 1_250, 0), 150);
      String what = "started " + stagger + " ms apart: " + describe(r, 1);
      runs.add(what);
      ratios += r.achievedRatio();
      assertTrue(r.refusedShare() < mostRefused, what);
    }
    assertTrue(ratios / staggers.length >= 0.90, String.join("; ", runs));
  }

  /**
   * The same four pools on one 2-core machine, as `--workers 4` starts them: each JVM is busy
   * starting its runner for its first 1.5 s, so a waiting request comes back for its turn 4 ms late
   * and answers, refusals too, are read half a second late (as measured in the bench's worker
   * processes). A start that grows blind, or at the full start, fills the account for that half
   * second: 2.2% to 3.6% of requests refused here before a busy process started lower.
   */
  @ParameterizedTest(name = "{0} 1 s window, started {1} ms apart")
  @CsvSource({"SLIDING, 7", "SLIDING, 700", "BUCKET, 7", "BUCKET, 700"})
  void workerPoolsOnABusyMachine_startLowUntilTheyHearTheAccount(Style style, long stagger) {
    Outcome r =
        new AccountSimulation()
            .busyAtStart(1_500, 4, 500)
            .run(new Options(style, 1, 6_000, 4, true, true, true, 800, stagger, 1_250, 0), 150);
    String what = "busy at the start, started " + stagger + " ms apart: " + describe(r, 1);
    assertTrue(r.refusedShare() < 0.02, what);
    assertTrue(r.achievedRatio() >= 0.88, what);
  }

  /**
   * Two runs on one key, the second started two seconds later, each with 1,250 questions: the first
   * finishes early and the second must take the whole account back. The bounds are what the limiter
   * achieves today (0.87; it was 0.78 while probing multiplied the share, which left the later
   * worker small while both ran), short of the 0.90 aimed for: the one left regrows into the room
   * only as fast as probing allows.
   */
  @Test
  void aWorkerWhoseCrowdHasGone_takesTheAccountBack() {
    Outcome r =
        new AccountSimulation()
            .run(
                new Options(Style.SLIDING, 1, 6_000, 2, true, true, true, 800, 2_000, 1_250, 0),
                180);
    String what = describe(r, 1);
    assertTrue(r.achievedRatio() >= 0.85, what);
    assertTrue(r.refusedShare() < 0.01, what);
  }

  @Test
  void useThatIsAllItsOwnForAWindow_letsAWorkerRegrowFast() {
    RateLimiter limiter = new RateLimiter(6_000, 0, clock);
    // A crowd: a 429 while this worker sent a quarter of the window.
    for (int i = 0; i < 25; i++) {
      sendWhenAllowed(limiter, 0);
      now += 30 * MS;
    }
    limiter.onResponse(RateLimiter.Feedback.refused(now, OptionalLong.empty()));
    now += 200 * MS;
    limiter.onResponse(RateLimiter.Feedback.ok(now));
    double cut = limiter.currentRpm();
    assertTrue(cut < 3_000, "cut to its share: " + cut);
    // Then the others are gone: for three seconds the account's use is just this worker's sends.
    for (int i = 0; i < 300; i++) {
      sendWhenAllowed(limiter, 0);
      long at = now;
      now += 10 * MS;
      double own = limiter.currentRpm() / 6_000;
      limiter.onResponse(answer(at, Math.min(0.7, own), OptionalLong.of(SECOND)));
    }
    assertTrue(limiter.currentRpm() > 2 * cut, "regrown: " + cut + " -> " + limiter.currentRpm());
  }

  /**
   * A bucket shows no use while the account takes everything sent, so a crowd stays hidden until
   * the bucket drains; then it drains at the crowd's excess over the limit. A worker that reads a
   * drain of a fifth of the limit a second cuts by that, before the bucket is empty and answers
   * 429s, and does not grow while the bucket refills.
   */
  @Test
  void aDrainingBucket_cutsByItsExcessBeforeAny429() {
    RateLimiter limiter = grownOnAFullBucket();
    double before = limiter.currentRpm();
    assertEquals(6_000 * RateLimiter.SAFETY, before, 1, "grown to the limit");
    long drainFrom = now;
    double use = 0;
    while (limiter.currentRpm() == before && use < 0.9) {
      sendWhenAllowed(limiter, 0);
      use = 0.1 + 0.2 * (now - drainFrom) / (double) SECOND;
      limiter.onResponse(bucketAnswer(now, use));
    }
    double cut = limiter.currentRpm();
    assertEquals(before * 0.98 / 1.2, cut, 60, "cut by the excess the drain shows, at use " + use);
    assertTrue(use < 0.4, "cut while the bucket still held most of its budget: " + use);
    assertEquals(0, limiter.rateLimitedCount());
    long refillFrom = now;
    // Refilling at what the account has spare (2% of it): no room to grow into, and no cut.
    for (int i = 0; i < 200; i++) {
      sendWhenAllowed(limiter, 0);
      limiter.onResponse(bucketAnswer(now, use - 0.02 * (now - refillFrom) / (double) SECOND));
    }
    assertEquals(cut, limiter.currentRpm(), 1e-9);
  }

  /**
   * The crowd that drained a bucket goes (its pools finished): the bucket fills up, and the worker
   * left, cut to half by the drain, is back near the limit within seconds. Probing by 2% of the
   * limit a second alone took about 13 s, a quarter of a 5,000-request run at 6,000 RPM.
   */
  @Test
  void aWorkerLeftAloneOnABucketThatDrained_regrowsInSeconds() {
    RateLimiter limiter = grownOnAFullBucket();
    double before = limiter.currentRpm();
    long drainFrom = now;
    while (limiter.currentRpm() == before) { // a crowd sending twice the limit
      sendWhenAllowed(limiter, 0);
      limiter.onResponse(bucketAnswer(now, 0.1 + (now - drainFrom) / (double) SECOND));
    }
    assertEquals(before * 0.98 / 2, limiter.currentRpm(), 150, "cut to half");
    long fullFrom = now;
    while (now - fullFrom < 6 * SECOND) {
      sendWhenAllowed(limiter, 0);
      limiter.onResponse(bucketAnswer(now, 0));
    }
    assertTrue(limiter.currentRpm() >= 0.9 * before, "regrown to " + limiter.currentRpm());
  }

  /**
   * A window aligned to the clock whose use rises while its reset falls is no bucket: midway its
   * reset and use agree for a moment, and a worker that took that for a drain would cut.
   */
  @Test
  void aClockAlignedWindow_isNotTakenForABucket() {
    RateLimiter limiter = new RateLimiter(6_000, 0, clock);
    double before = limiter.currentRpm();
    for (int i = 0; i < 600; i++) {
      sendWhenAllowed(limiter, 0);
      double into = (now % SECOND) / (double) SECOND;
      limiter.onResponse(answer(now, 0.9 * into, OptionalLong.of(SECOND - now % SECOND)));
    }
    assertTrue(limiter.currentRpm() >= before, before + " -> " + limiter.currentRpm());
  }

  /**
   * Others hold 40% of a sliding one-second window, then 10% (most of them finished). This worker
   * reads the window's use 800 ms late and must count its own growth since: it fills the room to
   * 97% of the window and no further, though every reading until its growth shows says room.
   * Growing on while the readings lagged took it past the limit.
   */
  @Test
  void roomInASlidingWindow_isFilledByItsProjectedUse_notPastIt() {
    RateLimiter limiter = new RateLimiter(6_000, 0, clock);
    LongUnaryOperator others = at -> at < 5 * SECOND ? 40 : 10; // of the window's 100
    long latency = 800 * MS;
    List<Long> sends = new ArrayList<>();
    ArrayDeque<Long> inFlight = new ArrayDeque<>();
    long most = 0;
    long before = 0;
    while (now < 10 * SECOND) {
      while (!inFlight.isEmpty() && inFlight.peekFirst() + latency <= now) {
        long sentAt = inFlight.pollFirst();
        double use = (others.applyAsLong(sentAt) + sentWithinASecondOf(sends, sentAt)) / 100.0;
        limiter.onResponse(answer(sentAt, use, OptionalLong.of(SECOND)));
      }
      long wait = limiter.tryAcquire(0);
      if (wait == 0) {
        sends.add(now);
        inFlight.addLast(now);
        if (now < 5 * SECOND) {
          before = sentWithinASecondOf(sends, now);
        } else {
          most = Math.max(most, others.applyAsLong(now) + sentWithinASecondOf(sends, now));
        }
        now += 10_000;
      } else {
        long nextAnswer = inFlight.isEmpty() ? Long.MAX_VALUE : inFlight.peekFirst() + latency;
        now = Math.min(now + wait, Math.max(now + 1, nextAnswer));
      }
    }
    assertEquals(57, before, 2, "its share beside the others");
    assertTrue(most <= 100, "the window held " + most);
    assertEquals(87, sentWithinASecondOf(sends, now), 2, "the room filled");
  }

  private static long sentWithinASecondOf(List<Long> sends, long at) {
    return sends.stream().filter(t -> t > at - SECOND && t <= at).count();
  }

  /** A worker on a full bucket (no use shown): it grows to the whole limit. */
  private RateLimiter grownOnAFullBucket() {
    RateLimiter limiter = new RateLimiter(6_000, 0, clock);
    for (int i = 0; i < 300; i++) {
      sendWhenAllowed(limiter, 0);
      limiter.onResponse(bucketAnswer(now, 0));
    }
    return limiter;
  }

  /** An answer from a one-second bucket {@code use} drained: its reset is the time to refill. */
  private static RateLimiter.Feedback bucketAnswer(long sentAt, double use) {
    return answer(sentAt, use, OptionalLong.of(Math.round(use * SECOND)));
  }

  /** An answer from a 6,000 RPM account whose window is {@code use} used. */
  private static RateLimiter.Feedback answer(long sentAt, double use, OptionalLong reset) {
    return new RateLimiter.Feedback(
        sentAt,
        false,
        OptionalLong.empty(),
        OptionalLong.of(6_000),
        OptionalLong.of(Math.round(6_000 * (1 - use))),
        OptionalLong.empty(),
        OptionalLong.empty(),
        reset,
        OptionalLong.empty());
  }

  @Test
  void workersWithoutHeaders_shareTheAccountBy429sAlone() {
    Outcome r =
        new AccountSimulation()
            .run(new Options(Style.SLIDING, 1, 6_000, 4, true, false, true, 800), 180);
    String what = describe(r, 1);
    assertTrue(r.achievedRatio() >= 0.90, what);
    assertTrue(r.refusedShare() < 0.02, what);
  }

  @Test
  void afterABurstOf429s_recoversToFullRateWithinSeconds() {
    RateLimiter limiter = new RateLimiter(6_000, 0, clock);
    double full = 6_000 * RateLimiter.SAFETY;
    for (int i = 0; i < 20; i++) {
      limiter.onResponse(RateLimiter.Feedback.refused(now, OptionalLong.empty()));
      now += 100 * MS;
    }
    assertTrue(limiter.currentRpm() < full / 2, "cut: " + limiter.currentRpm());
    for (int i = 0; i < 40; i++) { // four quiet seconds of answers
      limiter.onResponse(RateLimiter.Feedback.ok(now));
      now += 100 * MS;
    }
    assertTrue(limiter.currentRpm() >= 0.4 * full, "on the way back: " + limiter.currentRpm());
    for (int i = 0; i < 60; i++) { // six more
      limiter.onResponse(RateLimiter.Feedback.ok(now));
      now += 100 * MS;
    }
    assertEquals(full, limiter.currentRpm(), 1e-6, "back at full rate, never above");
    assertEquals(20, limiter.rateLimitedCount());
  }

  @Test
  void a429UnderAKnownRequestLimit_doesNotInventATokenLimit() {
    // 100 requests a second told, tokens unlimited: a 429 among the first answers may cut the
    // share of requests, never start pacing tokens at what the start-up happened to send.
    RateLimiter limiter = new RateLimiter(6_000, 0, clock);
    for (int i = 0; i < 20; i++) {
      sendWhenAllowed(limiter, 1_000);
    }
    for (int i = 0; i < 40; i++) {
      limiter.onResponse(
          i == 0
              ? RateLimiter.Feedback.refused(now, OptionalLong.empty())
              : RateLimiter.Feedback.ok(now));
      now += 5 * MS;
    }
    double rpm = limiter.currentRpm();
    long start = now;
    for (int i = 0; i < 100; i++) {
      sendWhenAllowed(limiter, 1_000_000); // a token pace would hold each of these for long
    }
    double seconds = (now - start) / (double) SECOND;
    assertEquals(99 * 60 / rpm, seconds, 0.1 * seconds, "paced by requests alone, at " + rpm);
  }

  @Test
  void aLimitLearnedFromTheHeaders_startsTheShareAfresh() {
    RateLimiter limiter = new RateLimiter(0, 0, clock);
    // An unpaced start: most of a burst refused, before any answer said the limit.
    for (int i = 0; i < 40; i++) {
      limiter.onResponse(RateLimiter.Feedback.refused(now, OptionalLong.empty()));
    }
    now += 800 * MS;
    limiter.onResponse(
        new RateLimiter.Feedback(
            0,
            false,
            OptionalLong.empty(),
            OptionalLong.of(6_000),
            OptionalLong.of(3_000),
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty()));
    assertEquals(6_000 * RateLimiter.SAFETY * RateLimiter.START, limiter.currentRpm(), 1e-6);
  }

  /** A sleeper that moves the simulated clock on by what {@code slept} makes of each wait. */
  private Sleeper advancingTheClock(LongUnaryOperator slept) {
    return new Sleeper() {
      @Override
      public void sleep(long millis) {
        sleepNanos(millis * MS);
      }

      @Override
      public void sleepNanos(long nanos) {
        now += slept.applyAsLong(nanos);
      }
    };
  }

  @Test
  void withNothingKnown_sendsOnlyAFewBeforeTheFirstAnswer() {
    RateLimiter limiter = new RateLimiter(0, 0, clock);
    int sent = 0;
    while (limiter.tryAcquire(0) == 0 && sent < 1_000) {
      sent++;
    }
    assertEquals(RateLimiter.BLIND_START, sent, "an in-flight cap sent blind would draw 429s");
    limiter.onResponse(RateLimiter.Feedback.ok(now)); // an answer without headers: no limit
    assertEquals(0, limiter.tryAcquire(0), "then unpaced, until 429s say where the limit is");
  }

  private void sendWhenAllowed(RateLimiter limiter, long tokens) {
    for (long wait = limiter.tryAcquire(tokens); wait > 0; wait = limiter.tryAcquire(tokens)) {
      now += wait;
    }
  }

  @Test
  void retryAfterHoldsTheNextRequest() {
    RateLimiter limiter = new RateLimiter(6_000, 0, clock);
    limiter.onResponse(RateLimiter.Feedback.refused(now, OptionalLong.of(1_500 * MS)));
    assertEquals(1_500 * MS, limiter.tryAcquire(0));
    assertEquals(1_500 * MS, limiter.tryAcquire(0), "nothing taken while it may not send");
  }

  @Test
  void tokensArePacedByWhatEachRequestReserves() {
    RateLimiter limiter = new RateLimiter(0, 60_000, clock); // 1,000 tokens a second
    // An answer that says nothing of the room left: the share stays at its slow start.
    limiter.onResponse(RateLimiter.Feedback.ok(now));
    for (int i = 0; i < 20; i++) {
      sendWhenAllowed(limiter, 500);
    }
    // 10,000 tokens at half of 970 a second, the first without waiting.
    assertEquals(19 * 500 / (970.0 * RateLimiter.START), now / (double) SECOND, 0.05);
  }

  @Test
  void unlimitedNeverWaits() {
    RateLimiter limiter = RateLimiter.unlimited();
    for (int i = 0; i < 10_000; i++) {
      assertEquals(0, limiter.tryAcquire(1_000));
    }
    assertTrue(limiter.isUnlimited());
  }

  @Test
  void theTimeSpentWaitingIsCountedForTheRunnersThrottlingCounter() throws Exception {
    RateLimiter limiter = new RateLimiter(6_000, 0, clock);
    long[] slept = {0};
    Sleeper sleeper =
        advancingTheClock(
            nanos -> {
              slept[0] += nanos;
              return nanos;
            });
    for (int i = 0; i < 50; i++) {
      limiter.acquire(0, sleeper);
    }
    // 50 requests, the first without waiting, before any answer: half of 97 a second (the slow
    // start) for half a second, then doubling a second: 49 - 0.5 r = r (2^T - 1) / ln 2, r = 48.5.
    double r = 97.0 * RateLimiter.START;
    double seconds = 0.5 + Math.log(1 + (49 - 0.5 * r) * Math.log(2) / r) / Math.log(2);
    assertEquals(seconds, slept[0] / (double) SECOND, 0.02);
    assertEquals(slept[0], limiter.takeThrottledNanos());
    assertEquals(0, limiter.takeThrottledNanos(), "taken once");
  }

  @Test
  void aWaiterThatWakesLate_doesNotReleaseABurst() throws Exception {
    RateLimiter limiter = new RateLimiter(6_000, 0, clock);
    List<Long> sentAt = new ArrayList<>();
    // the third wait is stalled for half a second (a GC pause)
    Sleeper late = advancingTheClock(nanos -> nanos + (sentAt.size() == 3 ? 500 * MS : 0));
    for (int i = 0; i < 10; i++) {
      limiter.acquire(0, late);
      sentAt.add(now);
    }
    for (int i = 1; i < sentAt.size(); i++) {
      long gap = sentAt.get(i) - sentAt.get(i - 1);
      assertTrue(gap >= 10 * MS - RateLimiter.BURST_MILLIS * MS - 1, "gap " + i + ": " + gap);
    }
  }

  @Test
  void parsesTheServersDurations() {
    assertEquals(OptionalLong.of(1 * SECOND), RateLimitHeaders.durationNanos("1s"));
    assertEquals(OptionalLong.of(360 * SECOND), RateLimitHeaders.durationNanos("6m0s"));
    assertEquals(OptionalLong.of(120 * MS), RateLimitHeaders.durationNanos("120ms"));
    assertEquals(OptionalLong.of(90_500 * MS), RateLimitHeaders.durationNanos("1m30.5s"));
    assertEquals(OptionalLong.of(2 * SECOND), RateLimitHeaders.durationNanos("2"));
    assertEquals(OptionalLong.empty(), RateLimitHeaders.durationNanos("soon"));
    assertEquals(OptionalLong.empty(), RateLimitHeaders.count("-1"), "Azure's 'unknown'");
    assertEquals(OptionalLong.of(42), RateLimitHeaders.count("42"));
  }
}
