package dev.orcaset.teacher;

import dev.orcaset.config.JournalConfig;
import dev.orcaset.config.TeacherConfig;
import dev.orcaset.cost.Price;
import dev.orcaset.journal.JournalWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;

/**
 * One teacher connection per worker JVM, shared by every DoFn instance that talks to the same
 * teacher. Runners start one DoFn instance per thread; if each built its own client and limit,
 * `teacher.concurrency: 16` on a 4-thread worker would mean 64 requests in flight. This is the
 * one deliberate piece of JVM-wide state, reference-counted and closed with its last user.
 */
public final class TeacherPool {
  private static final Map<Key, Shared> POOL = new HashMap<>();

  /**
   * Runs that must stop, by run id. Outlives the shared clients: runners tear down a failed DoFn
   * and start fresh instances for bundles still queued, which must not start sending again.
   */
  private static final Map<String, TeacherException> STOPPED = new HashMap<>();

  /**
   * Scoped by run: a job-stopping error stops every thread of that run (including DoFn instances
   * the runner creates after one failed) but not a later run in the same JVM.
   */
  private record Key(String runId, TeacherConfig config, Price price, JournalConfig journal) {}

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
    private final JournalWriter journal;
    private final AtomicInteger users = new AtomicInteger();
    private volatile boolean draining;

    private Shared(Key key) {
      this.key = key;
      TeacherConfig config = key.config();
      String apiKey = System.getenv(config.apiKeyEnv());
      this.inFlight = new ConcurrencyLimit(config.concurrency(), config.adaptiveConcurrency());
      this.limiter = new RateLimiter(config.rpmPerWorker(), config.tpmPerWorker(), Ticker.SYSTEM);
      // A live line on a terminal, log lines elsewhere (CI, Dataflow workers).
      this.progress = new Progress(inFlight::inFlight, inFlight::limit,
          limiter::rateLimitedCount, key.price(), System.console() != null ? System.err : null,
          System.console() != null ? 2 : 10);
      this.breaker = new CircuitBreaker(config.breakerWindow(),
          config.maxStallMinutes() * 60_000_000_000L, Ticker.SYSTEM);
      this.http = TeacherHttp.client(config, apiKey, limiter, (status, attempt, delay) -> {
        progress.retried();
        breaker.onRetry(status).ifPresent(this::stop);
      }, inFlight::onLatency);
      this.client = config.isAnthropic()
          ? new AnthropicMessagesClient(http, config.baseUrl(), config.apiKeyEnv(), apiKey)
          : new OpenAiChatClient(http, config.baseUrl(), config.apiKeyEnv(), apiKey);
      JournalConfig j = key.journal();
      this.journal = new JournalWriter(j.dir(), key.runId(), j.commitEvery(), j.commitSeconds(),
          e -> markFatal(new TeacherException(TeacherException.Kind.FATAL, 0, "journal_unwritable",
              "cannot save answers to the journal in " + j.dir() + ": " + e.getMessage()
                  + "; stopping so that no paid answer goes unsaved. Check the folder's space and permissions", 0)));
    }

    /** Where every answer and permanent failure is saved as it arrives. */
    public JournalWriter journal() {
      return journal;
    }

    public TeacherClient client() {
      return client;
    }

    /** Room for requests in flight; acquiring blocks, which is the pipeline's back-pressure. */
    public ConcurrencyLimit inFlight() {
      return inFlight;
    }

    /** Records the first job-stopping error; every user of this teacher then stops. */
    public void markFatal(TeacherException e) {
      if (fatal.compareAndSet(null, e)) {
        // Answers already paid for are saved before the stop reaches the user.
        Thread flusher = new Thread(journal::flush, "orcaset-journal-flush");
        flusher.setDaemon(true);
        flusher.start();
      }
      synchronized (TeacherPool.class) {
        STOPPED.putIfAbsent(key.runId(), e);
      }
    }

    public boolean isStopped() {
      return fatal.get() != null;
    }

    /**
     * Stops sending and waits up to {@code graceMillis} for the answers in flight (they are paid
     * for), then commits the journal. The senders are held, not failed: failing the job would
     * tear down the HTTP client and cancel those very requests. The process is exiting anyway.
     */
    void drain(long graceMillis) {
      draining = true;
      long deadline = System.nanoTime() + graceMillis * 1_000_000;
      while (inFlight.inFlight() > 0 && System.nanoTime() < deadline) {
        pause();
      }
      journal.flush();
    }

    /** Blocks a sender for good once the process is draining (see {@link #drain}). */
    public void holdIfDraining() {
      while (draining) {
        pause();
      }
    }

    private static void pause() {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    public void throwIfFatal() throws TeacherException {
      TeacherException e = fatal.get();
      if (e != null) {
        throw e;
      }
    }

    /**
     * Counts a finished question for the progress log and the circuit breaker, which may stop
     * the run when most questions are rejected.
     */
    public void recordOutcome(ChatCompletion answer, TeacherException failure) {
      if (answer != null) {
        progress.answered(answer.promptTokens(), answer.completionTokens());
      } else {
        progress.failed();
      }
      boolean permanent = failure != null && failure.kind() == TeacherException.Kind.PERMANENT;
      breaker.record(permanent, permanent ? failure.getMessage() : null).ifPresent(this::stop);
    }

    /** The number of questions in this run, for progress totals and ETA. */
    public void expectTotal(long questions) {
      progress.total(questions);
    }

    private void stop(String why) {
      markFatal(new TeacherException(TeacherException.Kind.FATAL, 0, "circuit_breaker", why, 0));
    }
  }

  /**
   * {@code price} (may be null) only feeds the cost shown in progress; {@code journal} must name
   * its folder ({@code dir} resolved).
   */
  public static synchronized Shared acquire(String runId, TeacherConfig config, Price price, JournalConfig journal) {
    Shared s = POOL.computeIfAbsent(new Key(runId, config, price, journal), Shared::new);
    TeacherException stopped = STOPPED.get(runId);
    if (stopped != null) {
      s.fatal.compareAndSet(null, stopped);
    }
    s.users.incrementAndGet();
    return s;
  }

  public static synchronized void release(Shared shared) {
    if (shared.users.decrementAndGet() == 0) {
      POOL.remove(shared.key, shared);
      TeacherHttp.shutdown(shared.http);
      shared.journal.close();
      shared.progress.close();
    }
  }

  /** Commits every journal of this JVM now. */
  public static void flushJournals() {
    open().forEach(s -> s.journal.flush());
  }

  /**
   * On SIGTERM or Ctrl-C: stop sending, give the requests in flight up to {@code graceMillis} to
   * be answered and journaled, and commit every journal, before the process exits.
   */
  public static void drainAll(long graceMillis) {
    open().parallelStream().forEach(s -> s.drain(graceMillis));
  }

  private static synchronized java.util.List<Shared> open() {
    return java.util.List.copyOf(POOL.values());
  }
}
