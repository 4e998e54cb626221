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
 * {@code 0.97 × limit + a request}, under the limit. A token bucket that starts full would let any
 * one-second window see twice the limit. One waiting request at a time sleeps on the clock ({@link
 * #acquire}); a late wake-up loses its turn rather than releasing a crowd.
 *
 * <p><b>The limit</b> is `--rpm`/`--tpm` when given, else learned from `x-ratelimit-limit-*` (per
 * minute, as OpenAI, Azure and Anthropic report it, on 429s too). With neither, it is discovered
 * from 429s: no pacing until the first 429, then the rate that was being admitted. The window's
 * length is read off the longest `x-ratelimit-reset-*` of the last minute (1 s when none is sent).
 *
 * <p><b>Sharing.</b> Every worker of an account sees the same account-wide headers and the same
 * 429s, the way TCP senders share a link through its losses; each scales its own pace by a factor:
 *
 * <ul>
 *   <li>it starts at {@value #START} of a known limit (a slow start: N workers that start together
 *       cannot know of each other before the first answers) and doubles in about a second while the
 *       window's use is no more than its own sends explain; a process too busy to hear refusals at
 *       once starts lower and waits for answers;
 *   <li>on a 429 the account's window is full, so this worker's sends in the last window are its
 *       share of it, and the share of its sends since the first refused one that got in is how much
 *       of its pace the account takes: it cuts to the smaller, a little under. N equal workers
 *       settle at the limit in one step;
 *   <li>near the limit it probes for room by {@value #SLOW} of the limit a second, added, not
 *       multiplied (TCP's additive increase): every worker gains the same whatever its share, so a
 *       worker that joined late and was cut deep catches up instead of staying small; faster the
 *       longer the account has taken it without a 429 (as CUBIC does), and no faster than one
 *       window's length allows (a long window reacts late); it stops growing into a window aligned
 *       to the clock by the use it is heading for at the window's end, and eases off when the
 *       window is {@value #HIGH} used;
 *   <li>when for a whole window the account's use has been this worker's own, the others have gone:
 *       it regrows fast. A 429's `retry-after` holds this worker's requests until then;
 *   <li>a bucket refilled continuously shows no use until the crowd drains it, and then drains at
 *       the crowd's excess over the limit, the same for every worker: each cuts by that excess
 *       before the bucket is empty ({@link #drained}), where probing on would end in 429s.
 * </ul>
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

  /** Requests sent before the first answer when no limit is known; then it waits for one. */
  static final int BLIND_START = 16;

  private static final long BLIND_WAIT = 20_000_000L;

  /**
   * How long a worker holds its starting share before doubling it while the account has not
   * answered: answers that take less say who else uses the account before any doubling.
   */
  private static final long BLIND_GROWTH_DELAY = 500_000_000L;

  /** The share of a known limit a worker starts at, before the account has answered. */
  static final double START = 0.5;

  /**
   * How late, on average, a waiting request may come back for its turn before this process counts
   * as busy. A process alone wakes well within a millisecond; processes that start together on a
   * few cores (worker JVMs starting their runners) come back several milliseconds late and hear the
   * account's answers hundreds of milliseconds late, too late for a blind start to stop in time.
   */
  static final long BUSY_LATENESS = 1_000_000L;

  /** How long a late turn keeps the process counted as busy. */
  private static final long BUSY_HOLD = 200_000_000L;

  /**
   * The start, as a share of {@link #START}, of a process that is busy before the account has
   * answered; its start does not grow either while it stays busy.
   */
  static final double BUSY_START = 0.5;

  /** Window use above which the account is treated as full, as if it had answered 429. */
  static final double HIGH = 0.99;

  /** Window use below which a worker may grow its share. */
  static final double TARGET = 0.97;

  /** Window use below which a header says little (a bucket that is full shows none). */
  private static final double VISIBLE = 0.05;

  /** Window use beyond a worker's own share that says others use the account too. */
  private static final double CROWD = 0.05;

  /** Window use below which a worker grows fast (about doubling a second). */
  static final double ROOMY = 0.8;

  /** Sliding-window use below which workers scale up together into the room. */
  private static final double SPARE = 0.85;

  /**
   * How fast a tracked window's room is filled (and an excess given back), per second, toward
   * {@link #TARGET} of it: the projection of its use already counts this worker's own change of
   * pace, so the time constant need not wait for the window's readings to catch up.
   */
  private static final double FILL = 4.0;

  /** The most one answer may multiply (or divide) the share by when tracking a window. */
  private static final double FILL_STEP = 2.0;

  /** The longest a cut holds a tracked window's share from growing back. */
  private static final long CUT_HOLD = 2 * SECOND;

  /** How lately the pace must have held a request back for the share to grow. */
  private static final long RECENT = 500_000_000L;

  /** Own sends within the window below which its use is not projected from them. */
  private static final int FILL_EVIDENCE = 5;

  /** Growth rates of the share, per second: plenty of room, some room, a limit being probed. */
  private static final double FAST = 1.0;

  static final double SLOW = 0.02;
  private static final double PROBE = 0.03;

  /** After 429s: this much under what got through; never more than this deep in one cut. */
  private static final double DECREASE = 0.95;

  private static final double DEEPEST_CUT = 0.1;

  /** A limit discovered from 429s is at least this share of what was being sent. */
  private static final double DISCOVERY_FLOOR = 0.25;

  private static final double STEP_CUT = 0.7;
  private static final double GENTLE_CUT = 0.97;
  private static final double FLOOR = 0.02;

  /** How close to where the account pushed back fast regrowth stops. */
  private static final double NEAR = 0.92;

  /** How long after the account last pushed back a 429 that let nothing through forgets it. */
  private static final long FORGET = 30 * SECOND;

  /**
   * Windows of quiet after which probing grows twice as fast, and ten times after three times as
   * many.
   */
  private static final long QUIET_SCALE = 20;

  /** How far back answers count as evidence of how the account takes this pace. */
  private static final long HORIZON = 300_000_000L;

  /** The shortest stretch a share is measured over: a worker's first sends are no share yet. */
  private static final long MIN_SPAN = 100_000_000L;

  /** Fresh answers a cut waits for, so the share refused is measured, not guessed. */
  private static final int EVIDENCE = 16;

  /**
   * A reset under this share of the window, and not in step with the use, says the window is
   * aligned to the clock; its use is projected from no less than {@link #LEAST_PART} of it.
   */
  private static final double ALIGNED_LEFT = 0.9;

  private static final double BUCKET_LIKE = 0.15;
  private static final double LEAST_PART = 0.3;

  /**
   * The longest `retry-after` that says budget comes back continuously (a bucket: the next unit is
   * a few milliseconds away), not when a window's old sends leave it.
   */
  private static final long BUCKET_RETRY = 50_000_000L;

  /**
   * A bucket's drain is judged over sends this far apart at least, and cut for when it says the
   * account is sent this much more than it refills (a share of the limit).
   */
  private static final long DRAIN_SPAN = 300_000_000L;

  private static final double DRAIN_EXCESS = 0.03;

  /**
   * Growth a second of a worker on a full bucket that has drained before: slow enough that its
   * drain, read an answer's latency late, shows an overshoot before the bucket is empty.
   */
  private static final double FULL_BUCKET = 0.1;

  /** The share of the limit the account is left at after a drain cut: the bucket refills. */
  private static final double DRAIN_TARGET = 0.98;

  /** The fewest sends the share a cut keeps is measured over (fewer count as this many). */
  private static final int SETTLED_EVIDENCE = 10;

  private final Ticker ticker;
  // This worker's sends, and those of them refused, for its share of the account's window.
  private final TimeLog sent = new TimeLog(61 * SECOND);
  private final TimeLog sentTokens = new TimeLog(61 * SECOND);
  private final TimeLog refusedSends = new TimeLog(61 * SECOND);
  private final WindowEstimate window = new WindowEstimate();
  private final BucketDrain drain = new BucketDrain();
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
  private long firstRefusedSentAt;
  // How long a 429 takes to come back: sends older than that which were not refused got in.
  private long refusalLatency;
  private long firstRetryAfter; // of the first refusal, -1 when it named none
  private long lastGrowth;
  private long crowdSeenAt;
  private boolean answered;
  // When this worker first asked to send: its slow start and the part of a window it was there for.
  private long startedAt = Long.MIN_VALUE;
  // How late callers come back for their turns: whether this process can hear the account in time.
  private long comeBackAt = Long.MIN_VALUE;
  private double lateness;
  private long busyUntil = Long.MIN_VALUE;
  // The time the start has had to grow in before the account answered: not while busy.
  private long blindGrown;
  private long blindSeenAt = Long.MIN_VALUE;
  private int unansweredSends;
  private long lastRefusal = Long.MIN_VALUE / 2;
  private long cutsResumeAt = Long.MIN_VALUE;
  private long lastCongestion = Long.MIN_VALUE / 2;
  private long lastGentleCut = Long.MIN_VALUE / 2;
  private double congestedAt = 1;
  // The first of the latest answers whose resets all said a sliding window (MIN_VALUE: none).
  private long slidingSince = Long.MIN_VALUE;
  private long pacedAt = Long.MIN_VALUE / 2; // the latest request the request pace held back
  // An answer's reset was about the window's length at a low use: not a bucket nearly empty.
  private boolean resetBeyondUse;
  private long alignedSeenAt = Long.MIN_VALUE / 2; // the latest answer of a clock-aligned window

  /**
   * {@code rpm}, {@code tpm}: the limits of this worker's account as configured; 0 means not
   * configured, to be learned from the server's headers (or no limit of that kind).
   */
  public RateLimiter(long rpm, long tpm, Ticker ticker) {
    this.ticker = ticker;
    long now = ticker.nanos();
    this.requests = new Dimension(rpm / 60.0, now);
    this.tokens = new Dimension(tpm / 60.0, now);
    this.lastGrowth = Long.MIN_VALUE;
    this.crowdSeenAt = now;
    // Slow start, as TCP's: until the account has answered, nobody knows who else is using it.
    // Workers that start together at their whole limit would send N times the limit for one
    // latency; at half of it two fit, four send twice. A worker alone doubles within a second.
    this.factor = requests.known() || tokens.known() ? START : 1;
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
    if (startedAt == Long.MIN_VALUE) {
      startedAt = now;
    }
    observeLateness(now);
    startUnanswered(now);
    long sendAt = Math.max(now, pausedUntil);
    long paced = requests.earliest(now, factor);
    if (paced > now) {
      pacedAt = now;
    }
    sendAt = Math.max(sendAt, paced);
    sendAt = Math.max(sendAt, tokens.earliest(now, factor));
    if (sendAt > now) {
      comeBackAt = sendAt; // an early wake-up (a re-check) counts as on time
      return sendAt - now;
    }
    if (!answered
        && !isUnlimited()
        && !requests.known()
        && !tokens.known()
        && unansweredSends >= BLIND_START) {
      // Nothing known yet: the first answers usually say the limit; a whole in-flight cap sent
      // blind would mostly come back 429.
      comeBackAt = now + BLIND_WAIT;
      return BLIND_WAIT;
    }
    unansweredSends++;
    long w = window.seconds(now);
    requests.book(now, 1, factor, w);
    tokens.book(now, estimatedTokens, factor, w);
    sent.add(now, 1);
    sentTokens.add(now, estimatedTokens);
    return 0;
  }

  /**
   * Before any answer, a share started at {@link #START} of a known limit doubles a second, after
   * half a second, until the account answers: refusals come back at once (the account refuses
   * before the model runs), so an account that is full says so well before the first answer of a
   * long-running model does, and a worker alone under 5 s answers loses about half a second, not a
   * latency at half rate. Answers quicker than the delay stop it before it starts, so workers that
   * start together under short answers do not double into each other. That holds only while this
   * process hears refusals at once: a busy one (see {@link #observeLateness}) starts at {@value
   * #BUSY_START} of that and waits for answers.
   */
  private void startUnanswered(long now) {
    if (answered || !(requests.known() || tokens.known())) {
      return;
    }
    // A busy process hears refusals late, so it neither grows blind nor starts at the full start:
    // four of them starting together would each send half the limit for as long as they are deaf.
    boolean busy = now < busyUntil;
    if (blindSeenAt != Long.MIN_VALUE && !busy) {
      blindGrown += now - blindSeenAt;
    }
    blindSeenAt = now;
    long waited = Math.max(0, blindGrown - BLIND_GROWTH_DELAY);
    double start = busy ? START * BUSY_START : START;
    factor = Math.min(1, start * Math.pow(2, waited / (double) SECOND));
  }

  /**
   * How late the caller told to wait came back, averaged over the last few turns: a process that
   * cannot wake a waiting thread on time cannot read the account's answers on time either.
   */
  private void observeLateness(long now) {
    if (comeBackAt == Long.MIN_VALUE) {
      return;
    }
    lateness = 0.8 * lateness + 0.2 * Math.max(0, now - comeBackAt);
    comeBackAt = Long.MIN_VALUE;
    if (lateness > BUSY_LATENESS) {
      busyUntil = now + BUSY_HOLD;
    }
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
    answered = true;
    if (requests.learnLimit(f.requestLimit()) | tokens.learnLimit(f.tokenLimit())) {
      // What was refused before the limit was known (an unpaced start) says nothing about a
      // crowd: start the share afresh at the limit just learned.
      factor = START;
      congestedAt = 1;
      changePace(now);
    }
    window.observe(now, f.requestsResetNanos());
    window.observe(now, f.tokensResetNanos());
    if (f.requestsResetNanos().isPresent()) {
      double requestUse = use(f.requestLimit(), f.requestsRemaining());
      boolean slidingNow = isSliding(now, f.requestsResetNanos());
      if (isAligned(now, requestUse, f.requestsResetNanos())) {
        alignedSeenAt = now;
      }
      if (!slidingNow) {
        slidingSince = Long.MIN_VALUE;
      } else if (slidingSince == Long.MIN_VALUE) {
        slidingSince = now;
      }
      // A bucket nearly empty has a reset of about its length too, but only then.
      resetBeyondUse |= slidingNow && requestUse <= ROOMY;
    }
    if (f.rateLimited()) {
      refusedSends.add(f.sentAtNanos(), 1);
      refusalLatency = Math.max(refusalLatency * 15 / 16, now - f.sentAtNanos());
      rateLimited++;
      lastRefusal = now;
      pausedUntil = Math.max(pausedUntil, now + f.retryAfterNanos().orElse(0));
    }
    holdIfNothingLeft(now, f.requestsRemaining(), f.requestsResetNanos(), f.requestLimit(), 1);
    holdIfNothingLeft(now, f.tokensRemaining(), f.tokensResetNanos(), f.tokenLimit(), 1);
    if (f.sentAtNanos() < paceChangedAt) {
      return;
    }
    if (f.rateLimited() && f.sentAtNanos() < cutsResumeAt) {
      // After a cut the account still holds the window's sends from before it, and refuses the
      // first sends of the new pace too: one cut a window, as TCP cuts once a round trip.
      return;
    }
    double use =
        Math.max(
            nanToZero(use(f.requestLimit(), f.requestsRemaining())),
            nanToZero(use(f.tokenLimit(), f.tokensRemaining())));
    boolean headers = f.requestsRemaining().isPresent() || f.tokensRemaining().isPresent();
    boolean sliding = isSliding(now, f.requestsResetNanos());
    // Growth is judged by where an aligned window is heading; easing off only by what it holds
    // (a projection from a third of a window is too noisy to cut by: it would cut a worker alone).
    double heading = byWindowEnd(now, use, f.requestsResetNanos());
    if (freshRefused == 0 && now - firstFreshAt > HORIZON) {
      // Only recent answers describe the account as it is now: a long run of answers that all got
      // through would make the first 429s of a crowd look like a little jitter.
      freshAccepted = 0;
      firstFreshAt = now;
    }
    if (f.rateLimited()) {
      if (freshRefused == 0) {
        firstRefusalAt = now;
        firstRefusedSentAt = f.sentAtNanos();
        firstRetryAfter = f.retryAfterNanos().orElse(-1);
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
      // Better: refusals come back within a round trip, so every send older than that which was
      // not refused got in. Of the sends since the first refused one, that share is how much of
      // this pace the account takes now, unmixed with answers to sends from before it filled (a
      // bucket that started full). Over fewer than ten sends one refusal says little.
      long settled = now - refusalLatency;
      double sentSince = sent.sumBetween(firstRefusedSentAt, settled);
      // Not where the first refusal asked for a long wait: a window that filled early holds
      // every send until its old ones leave, so its first refusals say when, not how much.
      if (sentSince > 0 && firstRetryAfter <= BUCKET_RETRY) {
        through =
            1
                - refusedSends.sumBetween(firstRefusedSentAt, settled)
                    / Math.max(sentSince, SETTLED_EVIDENCE);
      }
      // Better, when the pace is known: the account just refused, so its window is full, and what
      // this worker got admitted over one window is its share of it. N workers that each cut to
      // their share settle at the limit together in one step, where a cut by the share refused
      // over a few hundred milliseconds takes several (a window fills in bursts).
      // The window that was full is the one before the first refused send (the response that
      // completes the evidence may be an answer to an older request).
      double share = windowShare(now, firstRefusedSentAt);
      // Discovery is for an account whose limits nobody told: with one limit known, a 429 says
      // this worker's share of it is too large, not that a second, unknown limit exists (pacing
      // tokens at what a start-up happened to send would halve a run for good).
      boolean discovered =
          !requests.known()
              && !tokens.known()
              && (requests.discover(through, admittedPerSecond(now, sent))
                  | tokens.discover(through, admittedPerSecond(now, sentTokens)));
      if (!discovered) {
        // Where the account pushed back: regrowth is fast up to near it, slow beyond (as CUBIC
        // does), so a worker alone recovers in seconds and a crowd does not overshoot again.
        // What got through is the pace the account took; when nothing did, it says nothing.
        // Without a known request limit there is no window share: then a few 429s from timing
        // jitter are not taken for a crowd, and one cut goes at most to STEP_CUT of the pace.
        double cut =
            Double.isNaN(share)
                ? Math.max(STEP_CUT, through * DECREASE)
                : Math.max(DEEPEST_CUT, Math.min(1, Math.min(share, through)) * DECREASE);
        if (through > 0) {
          congestedAt = factor * cut;
        } else if (now - lastCongestion >= FORGET) {
          congestedAt = 1;
        }
        factor = Math.max(FLOOR, factor * cut);
      }
      lastCongestion = now;
      cutsResumeAt = now + window.seconds(now);
      changePace(now);
      return;
    }
    if (drained(now, f)) {
      return;
    }
    boolean tooEarly = headers && tooEarlyToTell(now, f.requestsResetNanos());
    if (headers && requests.known()) {
      // A sliding window's use, and the pace of a clock-aligned one so far (where its use is
      // heading), are the account's rate: tracked, not probed.
      long w = window.seconds(now);
      OptionalLong reset = f.requestsResetNanos();
      double steady =
          surelySliding(now, sliding)
              ? steadyUse(use, w, f.sentAtNanos(), f.requestLimit())
              : !tooEarly && now - alignedSeenAt <= 2 * w && isAligned(now, use, reset)
                  ? steadyUse(heading, w - reset.getAsLong(), f.sentAtNanos(), f.requestLimit())
                  : Double.NaN;
      if (!Double.isNaN(steady)) {
        track(now, steady, f.sentAtNanos());
        return;
      }
    }
    if (headers && use >= HIGH) {
      // Full, not over: ease off a little, at most every few hundred milliseconds; the evidence
      // gathered so far still counts (a 429 among it cuts deeper).
      if (now - lastGentleCut >= SECOND / 4) {
        lastGentleCut = now;
        factor = Math.max(FLOOR, factor * GENTLE_CUT);
        // Full is where the account pushed back too: fast regrowth stops short of it, or a
        // window that fills at each end (aligned to the clock) would send a worker back over.
        congestedAt = Math.min(congestedAt, factor);
        lastCongestion = now;
      }
      if (Math.abs(use - ownShare(now, f.sentAtNanos())) > CROWD) {
        crowdSeenAt = now;
      }
      lastGrowth = now;
      return;
    }
    if (tooEarly) {
      return; // a full window is judged above whenever it says so; room and crowds are not
    }
    grow(now, headers ? heading : Double.NaN, f.sentAtNanos(), sliding);
  }

  /**
   * Whether a window aligned to the clock had only just begun when this answer's request was sent:
   * what it held was of too short a part of it to say where its use is heading, or whose sends it
   * holds. Its first tenth has a reset of about its whole length, as a sliding window's; taken for
   * one, it showed little use (room to grow into) and less than this worker's own sends in every
   * window.
   */
  private boolean tooEarlyToTell(long now, OptionalLong reset) {
    long w = window.seconds(now);
    return reset.isPresent()
        && now - alignedSeenAt <= 2 * w
        && 1 - reset.getAsLong() / (double) w < LEAST_PART;
  }

  /**
   * A bucket refilled continuously shows no use while the account takes what all its workers send,
   * so it hides a crowd until it drains; then it drains at the account's excess over its limit, the
   * same for every worker. Each cuts its share by that excess, a little more, so N workers are at
   * the limit together before the bucket is empty, instead of probing on until it answers 429s. A
   * drained bucket is no room to grow into. Returns whether this response was taken that way.
   */
  private boolean drained(long now, Feedback f) {
    boolean byRequests = f.requestsRemaining().isPresent();
    double use =
        byRequests
            ? use(f.requestLimit(), f.requestsRemaining())
            : use(f.tokenLimit(), f.tokensRemaining());
    OptionalLong reset = byRequests ? f.requestsResetNanos() : f.tokensResetNanos();
    // A sliding window's reset is about its length whatever its use; a bucket drained that far
    // looks the same, and is full enough for the easing off that follows.
    if (Double.isNaN(use)
        || reset.isEmpty()
        || isSliding(now, reset)
        || !drain.isBucket(f.sentAtNanos(), use, reset)) {
      return false;
    }
    if (use <= VISIBLE || use >= HIGH) {
      return false; // full, the account takes what is sent however many send it; or empty
    }
    double excess = drain.excess(f.sentAtNanos(), use);
    if (!Double.isNaN(excess) && excess > DRAIN_EXCESS) {
      factor = Math.max(FLOOR, factor * DRAIN_TARGET / (1 + excess));
      congestedAt = Math.min(congestedAt, factor);
      lastCongestion = now;
      changePace(now);
    }
    return true;
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

  private void grow(long now, double use, long sentAt, boolean sliding) {
    double seconds = sinceLastGrowth(now);
    boolean headers = !Double.isNaN(use);
    boolean known = requests.known() || tokens.known();
    if (headers ? use >= TARGET : now - lastRefusal < SECOND) {
      return; // as full as it should be, or just refused: no room to grow into
    }
    if (!known) {
      factor *= Math.exp(PROBE * seconds); // a limit only discovered is probed slowly
      return;
    }
    boolean pushedBack = lastCongestion > Long.MIN_VALUE / 2;
    // More of the window in use than this worker's own sends explain: others share the account,
    // and every one of them sees the same room; only one of them should fill it.
    double own = headers ? ownShare(now, sentAt) : 0;
    boolean crowded = headers && use > own + CROWD;
    if (!headers || Math.abs(use - own) > CROWD) {
      crowdSeenAt = now;
    }
    // A whole window in which the account's use was this worker's own: the others have gone (or
    // never were), and the room the headers show is this worker's to take. A bucket that is not
    // drained shows no use, which says nothing either way.
    boolean alone = use > VISIBLE && use < ROOMY && now - crowdSeenAt >= this.window.seconds(now);
    boolean fast =
        pushedBack ? alone || factor < congestedAt * NEAR : !headers || (!crowded && use < ROOMY);
    // Once the account has pushed back, the window's length is how late its use reacts to a
    // pace: regrow no faster than one window allows (a 60 s window that was paused and emptied
    // looks roomy for a minute while a crowd regrowing into it would fill it in seconds).
    long window = pushedBack ? this.window.seconds(now) : SECOND;
    double perWindow = seconds * SECOND / window;
    if (fast) {
      factor *= Math.exp(FAST * perWindow);
    } else {
      // Probing for room near the limit: a few percent of it a second, the same for every worker
      // (so shares even out, as under TCP's additive increase), faster the longer the account has
      // taken it without a 429 (as CUBIC does), so a worker whose crowd has gone is back at the
      // limit even where the headers cannot tell (a bucket). A pause the account asked for counts
      // as pushing back.
      double quiet =
          Math.max(0, now - Math.max(lastCongestion, pausedUntil))
              / (double) (QUIET_SCALE * window);
      factor += SLOW * (1 + quiet * quiet) * perWindow;
      if (sliding && use > VISIBLE && use < SPARE && use >= own - CROWD) {
        // A sliding window's use is the account's rate: room in it (workers that finished) is
        // seen by every worker alike, and each scaling by the same factor fills it together, up
        // to where the additive probing takes over.
        factor *= Math.pow(SPARE / use, perWindow);
      }
      if (drain.known() && use <= VISIBLE) {
        // A full bucket that has drained before: whoever is left of a crowd regrows in seconds,
        // not in the tens of seconds additive probing takes, as its drain will say when they are
        // over, long before it is empty.
        factor *= Math.exp(FULL_BUCKET * perWindow);
      }
    }
    factor = Math.min(1, factor);
  }

  /**
   * Seconds since the share last grew or was judged, at most one, and marks now: growth is earned
   * by answers, and the time before the first one earns none.
   */
  private double sinceLastGrowth(long now) {
    double seconds =
        lastGrowth == Long.MIN_VALUE
            ? 0
            : Math.min(1.0, Math.max(0, now - lastGrowth) / (double) SECOND);
    lastGrowth = now;
    return seconds;
  }

  /**
   * A sliding window's use, and where an aligned one's is heading, are the account's rate, which
   * every worker reads alike: each scaling its share toward {@link #TARGET} of it by the same
   * factor fills room together and gives back an excess together, without probing past the limit
   * into 429s (or easing off in steps at every reading of a full window, which a crowd's jitter
   * makes often). The reading is one answer and up to one window late; {@code steady} projects it
   * to the paces sent now.
   */
  private void track(long now, double steady, long sentAt) {
    double seconds = sinceLastGrowth(now);
    double step = Math.pow(TARGET / Math.max(steady, 1e-3), Math.min(1, FILL * seconds));
    if (step > 1 && !paceBinds(now)) {
      return;
    }
    if (step > 1 && sentAt - Math.min(window.seconds(now), CUT_HOLD) < lastCongestion) {
      // The window this reading counted still holds sends from before the latest cut, which the
      // projection takes for this worker's alone; the others may not have cut, and a crowd that
      // regrew at once after its 429s would fill the account again before the readings said so.
      // Not longer than a few seconds: a minute's window would leave the cut in force a minute.
      return;
    }
    factor =
        Math.max(FLOOR, Math.min(1, factor * Math.max(1 / FILL_STEP, Math.min(FILL_STEP, step))));
  }

  /**
   * The use a window read at {@code sentAt} will have once the paces sent now have filled it, as a
   * share of the limit: {@code reading} is the account's use over the {@code counted} nanoseconds
   * before then (a sliding window's length, or the part of an aligned one that had passed), as a
   * share of what the limit allows in that time. This worker's own part of it is taken at its pace
   * now, and the others' part scaled as this worker's pace changed since it sent over that time (a
   * crowd that fills the room together changes alike; a worker alone has no others). A worker that
   * joined within it counts only what it sent since. NaN over too few sends.
   */
  private double steadyUse(double reading, long counted, long sentAt, OptionalLong perMinute) {
    long span = Math.max(MIN_SPAN, Math.min(counted, sentAt - startedAt));
    double sends = sent.sumBetween(sentAt - span, sentAt);
    if (sends < FILL_EVIDENCE || counted <= 0) {
      return Double.NaN;
    }
    double perSecond = perMinute.isPresent() ? perMinute.getAsLong() / 60.0 : requests.max;
    double pace = requests.rate(factor);
    double changed = pace * span / SECOND / sends;
    double own = sends / (perSecond * counted / SECOND);
    return Math.max(0, reading - own) * changed + pace / perSecond;
  }

  /**
   * Whether this worker's pace held a request back lately: one that sends less than its pace (its
   * input slow to come, its in-flight cap reached) would fill room at a pace it does not use and
   * send it all at once when it can, as TCP does not grow a window the application leaves unused.
   */
  private boolean paceBinds(long now) {
    return now - pacedAt <= RECENT;
  }

  /**
   * Whether the answers have said a sliding window for a fifth of it: a window aligned to the clock
   * has a reset of its whole length just after it starts too, but short of it a tenth later.
   */
  private boolean surelySliding(long now, boolean sliding) {
    return sliding
        && resetBeyondUse
        && slidingSince != Long.MIN_VALUE
        && now - slidingSince >= Math.max(SECOND / 5, window.seconds(now) / 5);
  }

  /** Whether the reset says a sliding window: about its whole length whenever it holds sends. */
  private boolean isSliding(long now, OptionalLong reset) {
    return reset.isPresent() && reset.getAsLong() / (double) window.seconds(now) >= ALIGNED_LEFT;
  }

  /**
   * The window's use as it will be at its end, for an account whose windows are aligned to the
   * clock: what one holds so far is of the part that has passed, so early in a window the headers
   * show room that the rest of it fills. Such a window tells itself by its reset, the time to the
   * window's end, which falls as the use rises; a sliding window's reset is about its whole length,
   * and a bucket's is in step with its use. Other windows' use is returned as is.
   */
  private double byWindowEnd(long now, double use, OptionalLong reset) {
    if (!isAligned(now, use, reset)) {
      return use;
    }
    double left = reset.getAsLong() / (double) window.seconds(now);
    return use / Math.max(LEAST_PART, 1 - left);
  }

  /**
   * Whether one answer's reset says a window aligned to the clock: short of the window's length,
   * and not in step with its use (as a bucket's is).
   */
  private boolean isAligned(long now, double use, OptionalLong reset) {
    if (reset.isEmpty() || isSliding(now, reset)) {
      return false;
    }
    double left = reset.getAsLong() / (double) window.seconds(now);
    return Math.abs(left - use) > BUCKET_LIKE;
  }

  /**
   * The share of the account's window this worker got admitted, up to the refused request: 1 when
   * it alone fills the account, 1/N of N equal workers; over the share its pace is set to, so the
   * factor to cut by. Of the request limit when known, else of the token limit; NaN when neither
   * is.
   */
  private double windowShare(long now, long refusedSentAt) {
    if (!requests.known() && !tokens.known()) {
      return Double.NaN;
    }
    long w = window.seconds(now);
    double sends = sent.sumBetween(refusedSentAt - w, refusedSentAt);
    double refused = refusedSends.sumBetween(refusedSentAt - w, refusedSentAt);
    double admitted = sends <= 0 ? 0 : ownShare(now, refusedSentAt) * (1 - refused / sends);
    // Over the share of the limit this worker's pace was set to send.
    Dimension d = requests.known() ? requests : tokens;
    double paced = d.lastRate > 0 ? d.lastRate / d.max : SAFETY * Math.min(1, factor);
    return admitted / paced;
  }

  /**
   * Units of {@code log} this worker got admitted per second over the window before the first
   * refused send: every send before it was admitted (its answers are still on their way, the
   * refusal came back at once).
   */
  private double admittedPerSecond(long now, TimeLog log) {
    long w = window.seconds(now);
    return log.sumBetween(firstRefusedSentAt - w, firstRefusedSentAt - 1) / (w / (double) SECOND);
  }

  /**
   * What this worker's sends took of the account's window up to {@code at}: of its request limit
   * when that is known, else of its token limit (0 if neither is).
   */
  private double ownShare(long now, long at) {
    long w = window.seconds(now);
    Dimension d = requests.known() ? requests : tokens;
    TimeLog log = requests.known() ? sent : sentTokens;
    // A worker that started sending within the window had only part of it: its share is of the
    // part it was there for (one that joins a full account would otherwise see a sliver of its
    // pace as its share and cut to a tenth).
    long span = Math.max(MIN_SPAN, Math.min(w, at - startedAt));
    return d.known() ? log.sumBetween(at - w, at) / (d.max * span / SECOND) : 0;
  }

  private void changePace(long now) {
    paceChangedAt = now;
    drain.restart();
    crowdSeenAt = now; // being alone is shown afresh by answers to the new pace
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
    private double lastRate; // the pace of the latest booking, units a second
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

    /**
     * The pace for a request of {@code units}: {@link #rate}, or less when one request is a large
     * part of a window's budget. Evenly spaced requests of c units at rate r put ceil(W·r / c) of
     * them into some window of length W; with k = floor(W·max / c) fitting, the pace is at most k·c
     * / W (a 5,000-token window holds four 1,100-token requests, not 4.4).
     */
    private double rateFor(double units, double factor, long window) {
      double r = rate(factor);
      if (max <= 0 || units <= 0) {
        return r;
      }
      double seconds = window / (double) SECOND;
      double fitting = Math.max(1, Math.floor(seconds * max / units));
      return Math.min(r, fitting * units / seconds * SAFETY * Math.min(1, factor));
    }

    long earliest(long now, double factor) {
      if (rate(factor) <= 0) {
        return now;
      }
      return (long) Math.max(now, tat - BURST_MILLIS * 1_000_000.0);
    }

    void book(long sendAt, double units, double factor, long window) {
      meter(sendAt, units);
      double r = rateFor(units, factor, window);
      lastRate = r;
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
    boolean discover(double through, double admittedPerSecond) {
      if (frozen || max > 0 || discovered > 0 || meterRate + meterUnits <= 0) {
        return false;
      }
      // What the account let through over the window that filled is its budget, when this
      // worker is alone. The share refused among the first answers is a poorer guide: they mix
      // answers to sends from before the window filled with refusals of sends after it.
      double byShare = Math.max(meterRate, meterUnits) * Math.max(DISCOVERY_FLOOR, through);
      discovered = (admittedPerSecond > 0 ? admittedPerSecond : byShare) * DECREASE;
      return true;
    }
  }

  /** Times of recent events and their weights, kept for {@code keep} nanoseconds. */
  private static final class TimeLog {
    private final long keep;
    private long[] times = new long[1024];
    private double[] weights = new double[1024];
    private int head;
    private int size;

    TimeLog(long keep) {
      this.keep = keep;
    }

    void add(long t, double weight) {
      while (size > 0 && times[head] < t - keep) {
        head = (head + 1) % times.length;
        size--;
      }
      if (size == times.length) {
        long[] bigger = new long[times.length * 2];
        double[] heavier = new double[times.length * 2];
        for (int i = 0; i < size; i++) {
          bigger[i] = times[(head + i) % times.length];
          heavier[i] = weights[(head + i) % times.length];
        }
        times = bigger;
        weights = heavier;
        head = 0;
      }
      // Answers come back out of order: keep the times sorted (they are nearly so) for the
      // sums, which stop at the first one too old.
      int i = size;
      while (i > 0 && times[(head + i - 1) % times.length] > t) {
        times[(head + i) % times.length] = times[(head + i - 1) % times.length];
        weights[(head + i) % times.length] = weights[(head + i - 1) % times.length];
        i--;
      }
      times[(head + i) % times.length] = t;
      weights[(head + i) % times.length] = weight;
      size++;
    }

    /** The weights of events in [{@code from}, {@code to}] (counted from the newest back). */
    double sumBetween(long from, long to) {
      double n = 0;
      for (int i = size - 1; i >= 0; i--) {
        long t = times[(head + i) % times.length];
        if (t < from) {
          break;
        }
        if (t <= to) {
          n += weights[(head + i) % times.length];
        }
      }
      return n;
    }
  }

  /**
   * Whether the account is a bucket, and how fast it drains. A bucket's reset is the time to refill
   * what is used, so in step with its use: reset / use is the bucket's length, the same in every
   * answer. A window aligned to the clock has a reset that falls while its use rises (the ratio
   * changes by half within a tenth of the window), a sliding one a reset of about its whole length.
   */
  private static final class BucketDrain {
    /** Use under this is too coarse to read a bucket's length from (whole requests of 100). */
    private static final double LEGIBLE = 0.1;

    private static final double STEADY = 0.15;
    private static final int SIGHTINGS = 5;

    private boolean bucket;
    private double length; // the bucket's length, ns, while it looks like one
    private long lookedSince = Long.MIN_VALUE;
    private int sightings;
    // A least-squares fit of use against send time over the sends since the pace changed.
    private long origin = Long.MIN_VALUE;
    private int n;
    private double st;
    private double su;
    private double stt;
    private double stu;

    /** Whether the account has shown itself a bucket. */
    boolean known() {
      return bucket;
    }

    boolean isBucket(long sentAt, double use, OptionalLong reset) {
      if (use < LEGIBLE) {
        return bucket; // a full bucket, or a window nearly empty: says nothing either way
      }
      double ratio = reset.getAsLong() / use;
      if (sightings > 0 && Math.abs(ratio / length - 1) <= STEADY) {
        sightings++;
      } else {
        sightings = 1;
        length = ratio;
        lookedSince = sentAt;
        bucket = false;
      }
      if (sightings >= SIGHTINGS && sentAt - lookedSince >= length / 10) {
        bucket = true;
      }
      return bucket;
    }

    /**
     * The account's excess over its limit, as a share of it, from how fast the use rose over the
     * sends since the pace changed: the slope of use in a second, times the bucket's length in
     * seconds. NaN until those sends span {@link #DRAIN_SPAN}.
     */
    double excess(long sentAt, double use) {
      if (origin == Long.MIN_VALUE) {
        origin = sentAt;
      }
      double t = (sentAt - origin) / (double) SECOND;
      n++;
      st += t;
      su += use;
      stt += t * t;
      stu += t * use;
      double spread = n * stt - st * st;
      if (n < SIGHTINGS || spread <= 0 || spread / (n * (double) n) * 12 < span() * span()) {
        return Double.NaN; // the sends' times spread over less than the span (a uniform spread)
      }
      double slope = (n * stu - st * su) / spread;
      return slope * length / SECOND;
    }

    private static double span() {
      return DRAIN_SPAN / (double) SECOND;
    }

    void restart() {
      origin = Long.MIN_VALUE;
      n = 0;
      st = su = stt = stu = 0;
    }
  }

  /**
   * The account's window, from how long the server says its budget takes to be whole again (a
   * sliding window: its length; a fixed one: up to its length; a bucket: up to the time it takes to
   * fill): the longest such reset of the last minute, 1 s to 60 s, 1 s when none is sent.
   */
  private static final class WindowEstimate {
    private long longest;
    private long seenAt = Long.MIN_VALUE / 2;

    void observe(long now, OptionalLong reset) {
      if (reset.isEmpty()) {
        return;
      }
      if (reset.getAsLong() >= longest || now - seenAt > 60 * SECOND) {
        longest = reset.getAsLong();
        seenAt = now;
      }
    }

    long seconds(long now) {
      long w = now - seenAt > 60 * SECOND ? 0 : longest;
      return Math.max(SECOND, Math.min(60 * SECOND, w));
    }
  }
}
