package dev.orcaset.teacher;

import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Request;

/**
 * How many HTTP attempts a call made, carried as a tag on its request (OkHttp keeps tags across
 * interceptors and retries): the retry layer counts, the client reads it when the call ends.
 */
public final class Attempts {
  private final AtomicInteger count = new AtomicInteger();

  /** A request tagged with a fresh counter. */
  public static Request tag(Request request) {
    return request.newBuilder().tag(Attempts.class, new Attempts()).build();
  }

  /** Counts one more attempt of {@code request}'s call (no-op for an untagged request). */
  static void count(Request request) {
    Attempts a = request.tag(Attempts.class);
    if (a != null) {
      a.count.incrementAndGet();
    }
  }

  /** Attempts made for {@code request}'s call; 1 for an untagged request. */
  public static int of(Request request) {
    Attempts a = request.tag(Attempts.class);
    return a == null ? 1 : Math.max(1, a.count.get());
  }
}
