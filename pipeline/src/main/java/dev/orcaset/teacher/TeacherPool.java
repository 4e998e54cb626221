package dev.orcaset.teacher;

import dev.orcaset.config.TeacherConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
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
   * Scoped by run: a job-stopping error stops every thread of that run (including DoFn instances
   * the runner creates after one failed) but not a later run in the same JVM.
   */
  private record Key(String runId, TeacherConfig config) {}

  private TeacherPool() {}

  /** What the DoFns of one worker share for one teacher. */
  public static final class Shared {
    private final Key key;
    private final OkHttpClient http;
    private final TeacherClient client;
    private final Semaphore inFlight;
    private final AtomicReference<TeacherException> fatal = new AtomicReference<>();
    private final Progress progress;
    private final RateLimiter limiter;
    private final AtomicInteger users = new AtomicInteger();

    private Shared(Key key) {
      this.key = key;
      TeacherConfig config = key.config();
      String apiKey = System.getenv(config.apiKeyEnv());
      this.inFlight = new Semaphore(config.concurrency());
      this.progress = new Progress(() -> config.concurrency() - inFlight.availablePermits(), 10);
      this.limiter = new RateLimiter(config.rpmPerWorker(), config.tpmPerWorker(), Ticker.SYSTEM);
      this.http = TeacherHttp.client(config, apiKey, limiter, (status, attempt, delay) -> progress.retried());
      this.client = new OpenAiChatClient(http, config.baseUrl(), config.apiKeyEnv(), apiKey);
    }

    public TeacherClient client() {
      return client;
    }

    /** Permits for requests in flight; acquiring blocks, which is the pipeline's back-pressure. */
    public Semaphore inFlight() {
      return inFlight;
    }

    /** Records the first job-stopping error; every user of this teacher then stops. */
    public void markFatal(TeacherException e) {
      fatal.compareAndSet(null, e);
    }

    public void throwIfFatal() throws TeacherException {
      TeacherException e = fatal.get();
      if (e != null) {
        throw e;
      }
    }

    /** Counts a finished question for the progress log. */
    public void recordOutcome(boolean answered) {
      if (answered) {
        progress.answered();
      } else {
        progress.failed();
      }
    }
  }

  public static synchronized Shared acquire(String runId, TeacherConfig config) {
    Shared s = POOL.computeIfAbsent(new Key(runId, config), Shared::new);
    s.users.incrementAndGet();
    return s;
  }

  public static synchronized void release(Shared shared) {
    if (shared.users.decrementAndGet() == 0) {
      POOL.remove(shared.key, shared);
      TeacherHttp.shutdown(shared.http);
      shared.progress.close();
    }
  }
}
