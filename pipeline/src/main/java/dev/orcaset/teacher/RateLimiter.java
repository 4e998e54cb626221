package dev.orcaset.teacher;

import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps a worker within the account's requests-per-minute and tokens-per-minute limits, however the
 * provider enforces them, and shares the account with other workers it does not know about.
 *
 * <p><b>Pacing, not bursts.</b> Requests leave evenly spaced (GCRA, the virtual-scheduling form of
 * a leaky bucket) at {@value #SAFETY} of the limit, with a burst tolerance of {@value
 * #BURST_MILLIS} ms: any window, 1 s or 60 s, sliding or aligned to the clock, then sees at most
 * {@code 0.97 × limit + a request or two}, under the limit. A token bucket that starts full would
 * let any one-second window see twice the limit.
 *
 * <p><b>The limit</b> is `--rpm`/`--tpm` when given, else learned from `x-ratelimit-limit-*` (per
 * minute, as OpenAI, Azure and Anthropic report it). With neither, it is discovered from 429s: no
 * pacing until the first 429, then the rate that was being admitted.
 *
 * <p><b>Sharing.</b> Every worker of an account sees the same account-wide `remaining` in the
 * headers and the same 429s, the way TCP senders share a link through its losses: each scales its
 * own rate by a factor that falls when the account is nearly used up ({@value #HIGH} of the window
 * spent) or answers 429, and grows back, doubling in about a second, while there is room. N workers
 * that do not know N thus settle at the limit together; one worker alone runs at its full rate. A
 * 429's `retry-after` holds this worker's next request until then.
 *
 * <p>All times come from the {@link Ticker}, so the behaviour is testable on a simulated clock.
 */
public final class RateLimiter {
  private static final long SECOND = 1_000_000_000L;

  /** The share of the limit paced to: room for timing jitter between client and server. */
  static final double SAFETY = 0.97;

  /**
   * How far ahead of its slot a request may go: enough to absorb a waiting thread's late wake-up,
   * far less than one request's spacing at 100/s, so a lost turn is not made up by a burst.
   */
  static final long BURST_MILLIS = 2;

  /** The longest a waiting request sleeps before it looks at the pace again. */
  private static final long RECHECK = 100_000_000L;

  /** Window use above which the account is treated as full, as if it had answered 429. */
  static final double HIGH = 0.99;

  /** Window use below which a worker may grow its share. */
  static final double TARGET = 0.97;

  /** Window use below which a worker grows fast (about doubling a second). */
  static final double ROOMY = 0.8;

  /** Growth rates of the share, per second: plenty of room, some room, a limit being probed. */
  private static final double FAST = 1.0;

  private static final double SLOW = 0.05;
  private static final double PROBE = 0.03;

  /** After 429s: this much under what got through; never more than this deep in one cut. */
  private static final double DECREASE = 0.95;

  private static final double DEEPEST_CUT = 0.25;
  private static final double STEP_CUT = 0.7;
  private static final double GENTLE_CUT = 0.97;
  private static final double FLOOR = 0.02;

  /** How close to where the account pushed back fast regrowth stops. */
  private static final double NEAR = 0.85;

  /** How long after the account last pushed back a worker grows only slowly. */
  private static final long QUIET = 10 * SECOND;

  /** How far back answers count as evidence of how the account takes this pace. */
  private static final long HORIZON = 300_000_000L;

  /** Fresh answers a cut waits for, so the share refused is measured, not guessed. */
  private static final int EVIDENCE = 16;

  private final Ticker ticker;
  private final ReentrantLock turn = new ReentrantLock(true);
  private final Dimension requests;
  private final Dimension tokens;
  private long pausedUntil;
  private long rateLimited;
  private long throttledNanos;
  // The feedback controller: this worker's share of the account, and the evidence since its pace
  // last changed.
  private double factor = 1;
  private long paceChangedAt = Long.MIN_VALUE;
  private long freshAccepted;
  private long freshRefused;
  private long firstFreshAt;
  private long firstRefusalAt;
  private long lastGrowth;
  private long lastRefusal = Long.MIN_VALUE / 2;
  private long lastCongestion = Long.MIN_VALUE / 2;
  private long lastGentleCut = Long.MIN_VALUE / 2;
  private double congestedAt = 1;

  /**
   * {@code rpm}, {@code tpm}: the limits of this worker's account as configured; 0 means not
   * configured, to be learned from the server's headers (or no limit of that kind).
   */
  public RateLimiter(long rpm, long tpm, Ticker ticker) {
    this.ticker = ticker;
    long now = ticker.nanos();
    this.requests = new Dimension(rpm / 60.0, now);
    this.tokens = new Dimension(tpm / 60.0, now);
    this.lastGrowth = now;
  }

  /** A limiter that never waits and learns nothing: for the Batch API's few calls. */
  public static RateLimiter unlimited() {
    RateLimiter r = new RateLimiter(0, 0, Ticker.SYSTEM);
    r.requests.frozen = true;
    r.tokens.frozen = true;
    return r;
  }

  public boolean isUnlimited() {
    return requests.frozen && tokens.frozen;
  }

  /**
   * Blocks until one request of {@code estimatedTokens} may be sent, and takes it from the budget.
   * One caller at a time waits on the clock, the rest queue behind it in order and each takes its
   * turn only when its time has come, at the pace in force then: a caller that wakes late (a GC
   * pause, a busy CPU) does not release a crowd at once, and a change of pace applies to every
   * request not yet sent. The time spent waiting is counted for the runner's throttling counter.
   */
  public void acquire(long estimatedTokens, Sleeper sleeper) throws InterruptedException {
    turn.lockInterruptibly();
    try {
      for (long wait = tryAcquire(estimatedTokens); wait > 0; wait = tryAcquire(estimatedTokens)) {
        long before = ticker.nanos();
        // Not longer than a re-check: a learned limit or a regrown share can shorten the wait.
        sleeper.sleepNanos(Math.min(wait, RECHECK));
        synchronized (this) {
          throttledNanos += Math.max(0, ticker.nanos() - before);
        }
      }
    } finally {
      turn.unlock();
    }
  }

  /**
   * Takes one request and {@code estimatedTokens} from the budget if it may be sent now and returns
   * 0; otherwise takes nothing and returns the nanoseconds until it may.
   */
  public synchronized long tryAcquire(long estimatedTokens) {
    long now = ticker.nanos();
    long sendAt = Math.max(now, pausedUntil);
    sendAt = Math.max(sendAt, requests.earliest(now, factor));
    sendAt = Math.max(sendAt, tokens.earliest(now, factor));
    if (sendAt > now) {
      return sendAt - now;
    }
    requests.book(now, 1, factor);
    tokens.book(now, estimatedTokens, factor);
    return 0;
  }

  /**
   * What one response said about the account. {@code limit}, {@code remaining}: per-minute limit
   * and what is left of it, for requests and tokens, when the server sends them; {@code
   * retryAfterNanos} on a 429 when it says how long to wait.
   */
  public record Feedback(
      long sentAtNanos,
      boolean rateLimited,
      OptionalLong retryAfterNanos,
      OptionalLong requestLimit,
      OptionalLong requestsRemaining,
      OptionalLong tokenLimit,
      OptionalLong tokensRemaining,
      OptionalLong requestsResetNanos,
      OptionalLong tokensResetNanos) {
    /** An answer without rate-limit headers to a request sent at {@code sentAtNanos}. */
    public static Feedback ok(long sentAtNanos) {
      OptionalLong none = OptionalLong.empty();
      return new Feedback(sentAtNanos, false, none, none, none, none, none, none, none);
    }

    /** A 429, with the wait the server asked for, if any. */
    public static Feedback refused(long sentAtNanos, OptionalLong retryAfterNanos) {
      OptionalLong none = OptionalLong.empty();
      return new Feedback(sentAtNanos, true, retryAfterNanos, none, none, none, none, none, none);
    }
  }

  /**
   * Adjusts to a response: called once for every HTTP attempt that got one. Only responses to
   * requests sent after the latest change of pace are evidence about that pace; older ones describe
   * a rate that is no longer sent, and are counted for nothing but `retry-after`.
   */
  public synchronized void onResponse(Feedback f) {
    if (isUnlimited()) {
      return;
    }
    long now = ticker.nanos();
    if (requests.learnLimit(f.requestLimit()) | tokens.learnLimit(f.tokenLimit())) {
      // What was refused before the limit was known (an unpaced start) says nothing about a
      // crowd: start the share afresh at the limit just learned.
      factor = 1;
      congestedAt = 1;
      changePace(now);
    }
    if (f.rateLimited()) {
      rateLimited++;
      lastRefusal = now;
      pausedUntil = Math.max(pausedUntil, now + f.retryAfterNanos().orElse(0));
    }
    holdIfNothingLeft(now, f.requestsRemaining(), f.requestsResetNanos(), f.requestLimit(), 1);
    holdIfNothingLeft(now, f.tokensRemaining(), f.tokensResetNanos(), f.tokenLimit(), 1);
    if (f.sentAtNanos() < paceChangedAt) {
      return;
    }
    double use =
        Math.max(
            nanToZero(use(f.requestLimit(), f.requestsRemaining())),
            nanToZero(use(f.tokenLimit(), f.tokensRemaining())));
    boolean headers = f.requestsRemaining().isPresent() || f.tokensRemaining().isPresent();
    if (freshRefused == 0 && now - firstFreshAt > HORIZON) {
      // Only recent answers describe the account as it is now: a long run of answers that all got
      // through would make the first 429s of a crowd look like a little jitter.
      freshAccepted = 0;
      firstFreshAt = now;
    }
    if (f.rateLimited()) {
      if (freshRefused == 0) {
        firstRefusalAt = now;
      }
      freshRefused++;
    } else {
      freshAccepted++;
    }
    long fresh = freshRefused + freshAccepted;
    if (freshRefused > 0) {
      if (freshRefused < EVIDENCE && now - firstRefusalAt < SECOND / 10) {
        return; // gather a little more before deciding how deep to cut
      }
      // The share refused says how far over the account this pace is: 75% refused, four times
      // over. Cut to what got through, a little under, and judge the new pace on its own answers.
      double through = freshAccepted / (double) fresh;
      // Discovery is for an account whose limits nobody told: with one limit known, a 429 says
      // this worker's share of it is too large, not that a second, unknown limit exists (pacing
      // tokens at what a start-up happened to send would halve a run for good).
      boolean discovered =
          !requests.known()
              && !tokens.known()
              && (requests.discover(through) | tokens.discover(through));
      if (!discovered) {
        // Where the account pushed back: regrowth is fast up to near it, slow beyond (as CUBIC
        // does), so a worker alone recovers in seconds and a crowd does not overshoot again.
        // What got through is the pace the account took; when nothing did, it says nothing.
        // A few 429s from timing jitter (a GC pause bunching sends) are not a crowd: one cut goes
        // at most to STEP_CUT of the pace; a crowd takes a few cuts, a latency apart.
        double cut = Math.max(STEP_CUT, through * DECREASE);
        if (through > 0) {
          congestedAt = factor * cut;
        } else if (now - lastCongestion >= QUIET) {
          congestedAt = 1;
        }
        factor = Math.max(FLOOR, factor * cut);
      }
      lastCongestion = now;
      changePace(now);
      return;
    }
    if (headers && use >= HIGH) {
      // Full, not over: ease off a little, at most every few hundred milliseconds; the evidence
      // gathered so far still counts (a 429 among it cuts deeper).
      if (now - lastGentleCut >= SECOND / 4) {
        lastGentleCut = now;
        factor = Math.max(FLOOR, factor * GENTLE_CUT);
        lastCongestion = now;
      }
      lastGrowth = now;
      return;
    }
    grow(now, headers ? use : Double.NaN);
  }

  /**
   * An account that says nothing is left: hold new requests until its reset, or, when it also says
   * its per-minute limit, until one unit of it is back (a reset "to full" can be a minute away
   * while budget returns continuously).
   */
  private void holdIfNothingLeft(
      long now, OptionalLong remaining, OptionalLong reset, OptionalLong perMinute, long unit) {
    if (remaining.isEmpty() || remaining.getAsLong() > 0 || reset.isEmpty()) {
      return;
    }
    long hold = reset.getAsLong();
    if (perMinute.isPresent() && perMinute.getAsLong() > 0) {
      hold = Math.min(hold, unit * 60 * SECOND / perMinute.getAsLong());
    }
    pausedUntil = Math.max(pausedUntil, now + hold);
  }

  private void grow(long now, double use) {
    double seconds = Math.min(1.0, Math.max(0, now - lastGrowth) / (double) SECOND);
    lastGrowth = now;
    // Fast up to near where the account last pushed back, slow beyond it: other workers react a
    // latency late, so growing fast near the limit overshoots it. A long quiet spell forgets.
    boolean settled = now - lastCongestion < QUIET && factor >= congestedAt * NEAR;
    double rate;
    if (Double.isNaN(use)) {
      // No headers: room is the absence of 429s; a limit only discovered is probed slowly.
      boolean known = requests.known() || tokens.known();
      rate = now - lastRefusal < SECOND ? 0 : !known ? PROBE : settled ? SLOW : FAST;
    } else {
      rate = use >= TARGET ? 0 : settled ? SLOW : use < ROOMY ? FAST : SLOW;
    }
    double ceiling = requests.known() || tokens.known() ? 1 : Double.MAX_VALUE;
    factor = Math.min(ceiling, factor * Math.exp(rate * seconds));
  }

  private void changePace(long now) {
    paceChangedAt = now;
    firstFreshAt = now;
    freshAccepted = 0;
    freshRefused = 0;
    lastGrowth = now;
  }

  private static double nanToZero(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  /** The share of the account's window in use, from one response's headers (NaN if unknown). */
  private static double use(OptionalLong limit, OptionalLong remaining) {
    if (limit.isEmpty() || remaining.isEmpty() || limit.getAsLong() <= 0) {
      return Double.NaN;
    }
    return 1 - Math.min(1.0, remaining.getAsLong() / (double) limit.getAsLong());
  }

  /** The rate requests are paced at now, per minute (0: not paced); for progress and tests. */
  public synchronized double currentRpm() {
    return requests.rate(factor) * 60;
  }

  public synchronized long rateLimitedCount() {
    return rateLimited;
  }

  /**
   * Nanoseconds callers were told to wait since the last call (for the runner's throttling
   * counter): the waits handed out, whoever serves them.
   */
  public synchronized long takeThrottledNanos() {
    long t = throttledNanos;
    throttledNanos = 0;
    return t;
  }

  /**
   * One limit (requests or tokens per second) and its pacing. {@code max}: the limit, configured or
   * learned (0: unknown). Without a known limit, {@code discovered} is the rate that got through
   * when the first 429s came, 0 before (no pacing).
   */
  private static final class Dimension {
    private final boolean configured;
    private double max;
    private double discovered;
    private double tat; // theoretical arrival time of the next unit, ns
    private boolean frozen;
    // What this worker sent recently, to find the admitted rate when a limit is discovered.
    private long meterStart;
    private double meterUnits;
    private double meterRate;

    Dimension(double perSecond, long now) {
      this.configured = perSecond > 0;
      this.max = perSecond;
      this.tat = now;
      this.meterStart = now;
    }

    boolean known() {
      return !frozen && max > 0;
    }

    double rate(double factor) {
      if (frozen) {
        return 0;
      }
      if (max > 0) {
        return max * SAFETY * Math.min(1, factor);
      }
      return discovered > 0 ? discovered * factor : 0;
    }

    long earliest(long now, double factor) {
      if (rate(factor) <= 0) {
        return now;
      }
      return (long) Math.max(now, tat - BURST_MILLIS * 1_000_000.0);
    }

    void book(long sendAt, double units, double factor) {
      meter(sendAt, units);
      double r = rate(factor);
      if (r <= 0) {
        tat = sendAt;
        return;
      }
      tat = Math.max(tat, sendAt) + units / r * SECOND;
    }

    /** Sends per second over the last second or so, for discovering an unknown limit. */
    private void meter(long now, double units) {
      if (now - meterStart >= SECOND) {
        meterRate = meterUnits / ((now - meterStart) / (double) SECOND);
        meterStart = now;
        meterUnits = 0;
      }
      meterUnits += units;
    }

    /** Takes the limit the server reports; returns whether it is new to this worker. */
    boolean learnLimit(OptionalLong perMinute) {
      if (configured || frozen || perMinute.isEmpty() || perMinute.getAsLong() <= 0) {
        return false;
      }
      double reported = perMinute.getAsLong() / 60.0;
      boolean first = max <= 0;
      max = reported;
      discovered = 0;
      return first;
    }

    /**
     * The first 429s of an account whose limit nobody told: pace from now on at what got through.
     * Returns whether this dimension took the cut that way (then the share is left alone).
     */
    boolean discover(double through) {
      if (frozen || max > 0 || discovered > 0 || meterRate + meterUnits <= 0) {
        return false;
      }
      discovered = Math.max(meterRate, meterUnits) * Math.max(DEEPEST_CUT, through) * DECREASE;
      return true;
    }
  }
}
