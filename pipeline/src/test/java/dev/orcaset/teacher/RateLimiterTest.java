package dev.orcaset.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The limiter on a fake clock: budgets, debt, AIMD and server hints, with exact numbers. */
class RateLimiterTest {
  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000 * MS;

  private long now = 0;
  private final Ticker clock = () -> now;

  /** Sends {@code n} requests, each after waiting what the limiter says; returns the time taken. */
  private long send(RateLimiter limiter, int n, long tokens) {
    long start = now;
    for (int i = 0; i < n; i++) {
      now += limiter.reserve(tokens);
    }
    return now - start;
  }

  @Test
  void holdsTheConfiguredRequestsPerMinute_withoutAMinuteLongBurst() {
    RateLimiter limiter = new RateLimiter(6_000, 0, clock); // 100 per second
    assertEquals(0, limiter.reserve(0), "one second of budget is there at start");
    long elapsed = send(limiter, 1_000, 0);
    // 1,001 requests at 100/s with a 100-request start: about 9 s, never faster.
    assertEquals(9.0, elapsed / (double) SECOND, 0.02);
  }

  @Test
  void holdsTheTokensPerMinute_countingPromptAndMaxTokens() {
    RateLimiter limiter = new RateLimiter(0, 60_000, clock); // 1,000 tokens per second
    long elapsed = send(limiter, 20, 500); // 10,000 tokens
    assertEquals(9.0, elapsed / (double) SECOND, 0.02, "the first second's 1,000 tokens are free");
  }

  @Test
  void unlimitedNeverWaits() {
    RateLimiter limiter = new RateLimiter(0, 0, clock);
    assertEquals(0, send(limiter, 10_000, 1_000));
    assertTrue(limiter.isUnlimited());
  }

  @Test
  void a429CutsTheRateOncePerSecond_andQuietSecondsWinItBack() {
    RateLimiter limiter = new RateLimiter(6_000, 0, clock);
    limiter.onRateLimited();
    limiter.onRateLimited(); // same burst: no second cut
    assertEquals(4_200, limiter.currentRpm(), 1);
    now += SECOND;
    limiter.onRateLimited();
    assertEquals(
        (4_200 + 300) * 0.7, limiter.currentRpm(), 1, "one quiet second won back 5%, then a cut");
    now += 20 * SECOND;
    assertEquals(6_000, limiter.currentRpm(), 1, "recovers fully, never above the configured rate");
    assertEquals(3, limiter.rateLimitedCount());
  }

  @Test
  void neverCutsBelowFivePercent() {
    RateLimiter limiter = new RateLimiter(6_000, 0, clock);
    for (int i = 0; i < 50; i++) {
      limiter.onRateLimited();
      now += SECOND;
      // no quiet time: cut again right away
    }
    assertTrue(limiter.currentRpm() >= 300, "floor: " + limiter.currentRpm());
  }

  @Test
  void aServerAtZeroRemainingPausesNewRequestsUntilItsReset() {
    RateLimiter limiter = new RateLimiter(6_000, 0, clock);
    limiter.onServerBudget(0, 0, 1_500 * MS);
    assertEquals(1_500 * MS, limiter.reserve(0));
    limiter.onServerBudget(5, 0, 3 * SECOND);
    now += 1_500 * MS;
    assertEquals(0, limiter.reserve(0), "5 left is not a reason to stop");
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
