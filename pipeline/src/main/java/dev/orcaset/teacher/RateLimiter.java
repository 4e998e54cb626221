package dev.orcaset.teacher;

/**
 * Keeps a worker under its requests-per-minute and tokens-per-minute budgets, and adapts to what
 * the server says.
 *
 * <p>Two token buckets (requests, tokens) refill continuously. Their capacity is one second of
 * budget, not one minute: providers enforce per-minute limits over shorter windows (6,000 RPM as
 * 100 per second), so a minute's burst would be answered with 429s. A caller reserves its cost and
 * is told how long to wait; the buckets may go into debt, which later callers wait out, so waiting
 * happens outside the lock and order is first come, first served.
 *
 * <p>Adaptation: a 429 cuts the rate (multiplicative decrease, at most once per second, never below
 * 5% of the configured rate); every quiet second wins back 5% of it (additive increase). A server
 * reporting its remaining budget near zero pauses new requests until its reset time.
 */
public final class RateLimiter {
  private static final long SECOND = 1_000_000_000L;
  private static final double DECREASE = 0.7;
  private static final double INCREASE_PER_SECOND = 0.05;
  private static final double FLOOR = 0.05;

  private final double maxRequestsPerSecond; // 0 = unlimited
  private final double maxTokensPerSecond; // 0 = unlimited
  private final Ticker ticker;

  private double requestRate;
  private double tokenRate;
  private double requests;
  private double tokens;
  private long lastNanos;
  private long lastDecreaseNanos = Long.MIN_VALUE / 2;
  private long pausedUntilNanos;
  private long rateLimited;

  /** {@code rpm}, {@code tpm}: the budget of this worker; 0 means no limit of that kind. */
  public RateLimiter(long rpm, long tpm, Ticker ticker) {
    this.maxRequestsPerSecond = rpm / 60.0;
    this.maxTokensPerSecond = tpm / 60.0;
    this.ticker = ticker;
    this.requestRate = maxRequestsPerSecond;
    this.tokenRate = maxTokensPerSecond;
    this.requests = maxRequestsPerSecond; // start with one second of budget
    this.tokens = maxTokensPerSecond;
    this.lastNanos = ticker.nanos();
  }

  public static RateLimiter unlimited() {
    return new RateLimiter(0, 0, Ticker.SYSTEM);
  }

  public boolean isUnlimited() {
    return maxRequestsPerSecond == 0 && maxTokensPerSecond == 0;
  }

  /**
   * Takes one request and {@code estimatedTokens} from the budget; returns the nanoseconds the
   * caller must wait before sending (0 if it may send now).
   */
  public synchronized long reserve(long estimatedTokens) {
    long now = ticker.nanos();
    refill(now);
    long wait = Math.max(0, pausedUntilNanos - now);
    if (maxRequestsPerSecond > 0) {
      requests -= 1;
      wait = Math.max(wait, debtNanos(requests, requestRate));
    }
    if (maxTokensPerSecond > 0) {
      // A single request larger than a second's budget still goes, after the debt is paid.
      tokens -= estimatedTokens;
      wait = Math.max(wait, debtNanos(tokens, tokenRate));
    }
    return wait;
  }

  /** The server answered 429: slow down (at most once per second, so one burst cuts once). */
  public synchronized void onRateLimited() {
    long now = ticker.nanos();
    refill(now);
    rateLimited++;
    if (now - lastDecreaseNanos >= SECOND) {
      lastDecreaseNanos = now;
      requestRate = Math.max(maxRequestsPerSecond * FLOOR, requestRate * DECREASE);
      tokenRate = Math.max(maxTokensPerSecond * FLOOR, tokenRate * DECREASE);
    }
  }

  /**
   * The server's own count, from `x-ratelimit-remaining-*` and `x-ratelimit-reset-*`: when it is
   * about to run out (no more than {@code atLeast} left), hold new requests until it resets instead
   * of collecting 429s.
   */
  public synchronized void onServerBudget(long remaining, long atLeast, long resetNanos) {
    if (remaining <= atLeast && resetNanos > 0) {
      pausedUntilNanos = Math.max(pausedUntilNanos, ticker.nanos() + resetNanos);
    }
  }

  /** Current allowed rate in requests per minute (for progress and tests). */
  public synchronized double currentRpm() {
    refill(ticker.nanos());
    return requestRate * 60;
  }

  public synchronized long rateLimitedCount() {
    return rateLimited;
  }

  private void refill(long now) {
    long elapsed = now - lastNanos;
    if (elapsed <= 0) {
      return;
    }
    lastNanos = now;
    double seconds = elapsed / (double) SECOND;
    if (now - lastDecreaseNanos >= SECOND) {
      requestRate =
          Math.min(
              maxRequestsPerSecond,
              requestRate + maxRequestsPerSecond * INCREASE_PER_SECOND * seconds);
      tokenRate =
          Math.min(
              maxTokensPerSecond, tokenRate + maxTokensPerSecond * INCREASE_PER_SECOND * seconds);
    }
    requests = Math.min(requestRate, requests + requestRate * seconds);
    tokens = Math.min(Math.max(tokenRate, 1), tokens + tokenRate * seconds);
  }

  private static long debtNanos(double level, double rate) {
    return level >= 0 || rate <= 0 ? 0 : (long) Math.ceil(-level / rate * SECOND);
  }
}
