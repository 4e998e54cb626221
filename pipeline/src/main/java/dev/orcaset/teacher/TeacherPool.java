package dev.orcaset.teacher;

import dev.orcaset.config.TeacherConfig;
import dev.orcaset.cost.Price;
import dev.orcaset.model.ChatCompletion;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;

/**
 * A per-JVM cache of the HTTP resources for one teacher: client, in-flight limit, rate limiter,
 * circuit breaker and progress line, shared by every DoFn instance that talks to the same teacher
 * with the same config. Runners start one DoFn instance per thread; if each built its own client
 * and limit, `teacher.concurrency: 16` on a 4-thread worker would mean 64 requests in flight.
 *
 * <p>It holds resources, not a run: entries are keyed by the teacher's config, opened by the first
 * DoFn's {@code @Setup} and closed with the last one's {@code @Teardown}. Journals belong to the
 * DoFns that write them, and each DoFn stops by itself when torn down or when its JVM shuts down.
 */
public final class TeacherPool {
  private static final Map<Key, Shared> POOL = new HashMap<>();

  /**
   * How long resources whose teacher failed fatally outlive their last user: runners replace a
   * failed DoFn with new instances for the bundles still queued, and those must see the verdict
   * instead of sending again. A run with another id starts afresh at once.
   */
  static final long FATAL_LINGER_MILLIS = 30_000;

  private static final ScheduledExecutorService CLOSER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "orcaset-teacher-pool");
            t.setDaemon(true);
            return t;
          });

  private record Key(TeacherConfig config, Price price) {}

  private TeacherPool() {}

  /** What the DoFns of one worker share for one teacher. */
  public static final class Shared {
    private final Key key;
    private final OkHttpClient http;
    private final TeacherClient client;
    private final ConcurrencyLimit inFlight;
    private final AtomicReference<TeacherException> fatal = new AtomicReference<>();
    private final Progress progress;
    private final RateLimiter limiter;
    private final CircuitBreaker breaker;
    private final AtomicInteger users = new AtomicInteger();
    private final AtomicLong backoffNanos = new AtomicLong();
    private final Set<Runnable> stoppers = ConcurrentHashMap.newKeySet();
    private volatile String fatalRun;

    private Shared(Key key) {
      this.key = key;
      TeacherConfig config = key.config();
      String apiKey = System.getenv(config.apiKeyEnv());
      this.inFlight = new ConcurrencyLimit(config.concurrency(), config.adaptiveConcurrency());
      this.limiter = new RateLimiter(config.rpmPerWorker(), config.tpmPerWorker(), Ticker.SYSTEM);
      // A live line on a terminal, log lines elsewhere (CI, Dataflow workers).
      this.progress =
          new Progress(
              inFlight::inFlight,
              inFlight::limit,
              limiter::rateLimitedCount,
              key.price(),
              System.console() != null ? System.err : null,
              System.console() != null ? 2 : 10);
      this.breaker =
          new CircuitBreaker(
              config.breakerWindow(), config.maxStallMinutes() * 60_000_000_000L, Ticker.SYSTEM);
      this.http =
          TeacherHttp.client(
              config,
              apiKey,
              limiter,
              (status, attempt, delay) -> {
                backoffNanos.addAndGet(delay.toNanos());
                progress.retried();
                breaker.onRetry(status).ifPresent(this::trip);
              },
              inFlight::onLatency);
      this.client =
          config.isAnthropic()
              ? new AnthropicMessagesClient(http, config.baseUrl(), config.apiKeyEnv(), apiKey)
              : new OpenAiChatClient(http, config.baseUrl(), config.apiKeyEnv(), apiKey);
    }

    public TeacherClient client() {
      return client;
    }

    /** Room for requests in flight; acquiring blocks, which is the pipeline's back-pressure. */
    public ConcurrencyLimit inFlight() {
      return inFlight;
    }

    /** Records the first job-stopping error of run {@code runId}; its users then stop. */
    public void markFatal(String runId, TeacherException e) {
      if (fatal.compareAndSet(null, e)) {
        fatalRun = runId;
      }
    }

    /**
     * A DoFn's way to stop: called, all of them at once, before the first one fails its bundle on a
     * fatal error, so every answer that arrived is committed before the job reports failure.
     */
    public void onFatal(Runnable stop) {
      stoppers.add(stop);
    }

    public void removeOnFatal(Runnable stop) {
      stoppers.remove(stop);
    }

    /**
     * Throws the fatal error if there is one, after every DoFn of this worker has stopped sending,
     * waited for its answers in flight and committed its journal.
     */
    public void failIfFatal() throws TeacherException {
      TeacherException e = fatal.get();
      if (e == null) {
        return;
      }
      List<Runnable> all = List.copyOf(stoppers);
      all.parallelStream().forEach(Runnable::run);
      throw e;
    }

    /**
     * Milliseconds this worker's requests spent waiting for rate budget or retry backoff since the
     * last call, for the runner's throttling counter (each caller takes its own part).
     */
    public long takeThrottledMillis() {
      return (limiter.takeThrottledNanos() + backoffNanos.getAndSet(0)) / 1_000_000;
    }

    public boolean isFatal() {
      return fatal.get() != null;
    }

    /**
     * Counts a finished question for the progress log and the circuit breaker, which may stop the
     * run when most questions are rejected.
     */
    public void recordOutcome(ChatCompletion answer, TeacherException failure) {
      if (answer != null) {
        progress.answered(answer.promptTokens(), answer.completionTokens());
      } else {
        progress.failed();
      }
      boolean permanent = failure != null && failure.kind() == TeacherException.Kind.PERMANENT;
      breaker.record(permanent, permanent ? failure.getMessage() : null).ifPresent(this::trip);
    }

    /** The number of questions in this run, for progress totals and ETA. */
    public void expectTotal(long questions) {
      progress.total(questions);
    }

    private void trip(String why) {
      markFatal(
          breakerRun,
          new TeacherException(TeacherException.Kind.FATAL, 0, "circuit_breaker", why, 0));
    }

    /** The run the circuit breaker judges: the latest to acquire these resources. */
    private volatile String breakerRun;
  }

  /**
   * {@code price} (may be null) only feeds the cost shown in progress. A fatal verdict of another
   * run (a lingering one, see {@link #FATAL_LINGER_MILLIS}) does not carry over to {@code runId}.
   */
  public static synchronized Shared acquire(TeacherConfig config, Price price, String runId) {
    Key key = new Key(config, price);
    Shared s = POOL.get(key);
    if (s != null && s.fatal.get() != null && !runId.equals(s.fatalRun)) {
      POOL.remove(key); // its own last user closes it
      if (s.users.get() == 0) {
        close(s);
      }
      s = null;
    }
    if (s == null) {
      s = new Shared(key);
      POOL.put(key, s);
    }
    s.breakerRun = runId;
    s.users.incrementAndGet();
    return s;
  }

  public static synchronized void release(Shared shared) {
    if (shared.users.decrementAndGet() > 0) {
      return;
    }
    if (POOL.get(shared.key) != shared) { // replaced by a later run's resources
      close(shared);
      return;
    }
    if (shared.fatal.get() == null) {
      POOL.remove(shared.key, shared);
      close(shared);
      return;
    }
    CLOSER.schedule(
        () -> {
          synchronized (TeacherPool.class) {
            if (shared.users.get() == 0 && POOL.remove(shared.key, shared)) {
              close(shared);
            }
          }
        },
        FATAL_LINGER_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  private static void close(Shared shared) {
    TeacherHttp.shutdown(shared.http);
    shared.progress.close();
  }
}
