package dev.orcaset.teacher;

import dev.orcaset.config.TeacherConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;

/**
 * One teacher connection per worker JVM, shared by every DoFn instance that talks to the same
 * teacher. Runners start one DoFn instance per thread; if each built its own client and limit,
 * `teacher.concurrency: 16` on a 4-thread worker would mean 64 requests in flight. This is the
 * one deliberate piece of JVM-wide state, reference-counted and closed with its last user.
 */
public final class TeacherPool {
  private static final Map<TeacherConfig, Shared> POOL = new HashMap<>();

  private TeacherPool() {}

  /** What the DoFns of one worker share for one teacher. */
  public static final class Shared {
    private final TeacherConfig config;
    private final OkHttpClient http;
    private final TeacherClient client;
    private final Semaphore inFlight;
    private final AtomicReference<TeacherException> fatal = new AtomicReference<>();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicInteger users = new AtomicInteger();

    private Shared(TeacherConfig config) {
      this.config = config;
      String key = System.getenv(config.apiKeyEnv());
      this.http = TeacherHttp.client(config, key, (status, attempt, delay) -> retries.incrementAndGet());
      this.client = new OpenAiChatClient(http, config.baseUrl(), config.apiKeyEnv(), key);
      this.inFlight = new Semaphore(config.concurrency());
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
      // A later job in this JVM (tests, a resumed run) must get a fresh teacher, not this verdict.
      synchronized (TeacherPool.class) {
        POOL.remove(config, this);
      }
    }

    public void throwIfFatal() throws TeacherException {
      TeacherException e = fatal.get();
      if (e != null) {
        throw e;
      }
    }

    public long retries() {
      return retries.get();
    }
  }

  public static synchronized Shared acquire(TeacherConfig config) {
    Shared s = POOL.computeIfAbsent(config, Shared::new);
    s.users.incrementAndGet();
    return s;
  }

  public static synchronized void release(Shared shared) {
    if (shared.users.decrementAndGet() == 0) {
      POOL.remove(shared.config, shared);
      TeacherHttp.shutdown(shared.http);
    }
  }
}
