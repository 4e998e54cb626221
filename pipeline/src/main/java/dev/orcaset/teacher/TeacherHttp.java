package dev.orcaset.teacher;

import dev.orcaset.config.TeacherConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Builds the HTTP stack for a teacher, in the order requests pass through it: auth, then
 * retry/backoff (so every retry carries the key), then rate limiting (so every attempt pays its
 * budget), the check that a 200 carries a readable body, and latency measurement. Later layers
 * (metrics) slot in here and nowhere else.
 */
public final class TeacherHttp {
  private TeacherHttp() {}

  public static OkHttpClient client(
      TeacherConfig cfg,
      String apiKey,
      RateLimiter limiter,
      RetryInterceptor.RetryListener retries) {
    return client(cfg, apiKey, limiter, retries, nanos -> {});
  }

  /**
   * {@code latency} hears the server time of every successful attempt (see {@link
   * ConcurrencyLimit}).
   */
  public static OkHttpClient client(
      TeacherConfig cfg,
      String apiKey,
      RateLimiter limiter,
      RetryInterceptor.RetryListener retries,
      LongConsumer latency) {
    // OkHttp's defaults (64 requests, 5 per host) would silently cap concurrency at 5.
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(cfg.concurrency());
    dispatcher.setMaxRequestsPerHost(cfg.concurrency());
    return new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .connectionPool(new ConnectionPool(cfg.concurrency(), 5, TimeUnit.MINUTES))
        .connectTimeout(Duration.ofSeconds(cfg.connectTimeoutSeconds()))
        .readTimeout(Duration.ofSeconds(cfg.readTimeoutSeconds()))
        .writeTimeout(Duration.ofSeconds(cfg.connectTimeoutSeconds()))
        .callTimeout(Duration.ofSeconds(cfg.callTimeoutSeconds()))
        .retryOnConnectionFailure(false) // our RetryInterceptor counts and paces every retry
        .addInterceptor(AuthInterceptor.of(cfg.authHeader(), apiKey))
        .addInterceptor(RetryInterceptor.withDefaults(cfg.maxAttempts(), retries))
        // Inside the retry loop: every attempt waits for budget and reports 429s to the limiter.
        .addInterceptor(new RateLimitInterceptor(limiter, cfg.maxTokens(), Sleeper.SYSTEM))
        .addInterceptor(new UnreadableBodyInterceptor()) // a garbled 200 becomes a retryable 502
        // A network interceptor: it sees each attempt once its connection is up, so DNS, TCP
        // and TLS set-up, retry backoff and rate-limit waits are not counted.
        .addNetworkInterceptor(new LatencyInterceptor(latency))
        .build();
  }

  /** `teacher.base_url` as OkHttp's URL; the validator checked it, so a failure here is a bug. */
  public static HttpUrl baseUrl(String baseUrl) {
    HttpUrl base = HttpUrl.parse(baseUrl);
    if (base == null) {
      throw new IllegalArgumentException("teacher.base_url is not a URL: " + baseUrl);
    }
    return base;
  }

  /** Releases the dispatcher's threads and pooled connections. */
  public static void shutdown(OkHttpClient client) {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
