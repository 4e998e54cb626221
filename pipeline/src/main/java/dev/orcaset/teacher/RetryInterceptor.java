package dev.orcaset.teacher;

import dev.orcaset.teacher.ErrorClassifier.ProviderError;
import dev.orcaset.teacher.TeacherException.Kind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Retries what is worth retrying (429 rate limits, 408, 409, 5xx, dropped connections and timeouts)
 * with exponential backoff and full jitter, honouring the server's `retry-after-ms` /
 * `Retry-After`. Never retries 429s that mean an exhausted quota, nor other 4xx.
 *
 * <p>Every attempt is counted on the request's {@link Attempts} tag, so callers can record the
 * attempts. When every attempt failed on the network, the latest failure is the cause of the {@link
 * TeacherException} thrown, with the earlier ones attached to it as suppressed exceptions, as
 * OkHttp's {@code RetryAndFollowUpInterceptor} does. A cancelled call is not attempted again.
 */
public final class RetryInterceptor implements Interceptor {
  private final int maxAttempts;
  private final Duration baseDelay;
  private final Duration maxDelay;
  private final Duration maxTotal;
  private final Sleeper sleeper;
  private final Clock clock;
  private final DoubleSupplier random;
  private final RetryListener listener;

  /** Told about every retry, for counters and logs. */
  @FunctionalInterface
  public interface RetryListener {
    RetryListener NONE = (status, attempt, delay) -> {};

    /** {@code status} is 0 for a network failure. */
    void onRetry(int status, int attempt, Duration delay);
  }

  public RetryInterceptor(
      int maxAttempts,
      Duration baseDelay,
      Duration maxDelay,
      Duration maxTotal,
      Sleeper sleeper,
      Clock clock,
      DoubleSupplier random,
      RetryListener listener) {
    this.maxAttempts = maxAttempts;
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
    this.maxTotal = maxTotal;
    this.sleeper = sleeper;
    this.clock = clock;
    this.random = random;
    this.listener = listener;
  }

  /**
   * Defaults in the spirit of the OpenAI SDKs: 0.5 s doubling, at most 60 s a wait, 10 min a
   * request.
   */
  public static RetryInterceptor withDefaults(int maxAttempts, RetryListener listener) {
    return new RetryInterceptor(
        maxAttempts,
        Duration.ofMillis(500),
        Duration.ofSeconds(60),
        Duration.ofMinutes(10),
        Sleeper.SYSTEM,
        Clock.systemUTC(),
        () -> ThreadLocalRandom.current().nextDouble(),
        listener);
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    long start = clock.millis();
    List<IOException> failures = new ArrayList<>();
    for (int attempt = 1; ; attempt++) {
      // A cancelled call (a worker stopping) sends nothing more, not even after a backoff.
      if (isCanceled(chain)) {
        throw cancelled(failures);
      }
      Attempts.count(chain.request());
      Response response;
      try {
        response = chain.proceed(chain.request());
      } catch (IOException e) {
        if (e instanceof TeacherException || isCanceled(chain)) {
          throw e;
        }
        failures.add(e);
        Duration delay = backoff(attempt);
        if (attempt >= maxAttempts || tooLate(start, delay)) {
          throw exhausted(attempt, failures);
        }
        listener.onRetry(0, attempt, delay);
        pause(delay);
        continue;
      }
      if (!shouldRetry(response)) {
        return response;
      }
      Optional<Duration> asked = RetryAfter.of(response, clock.instant());
      Duration delay =
          asked.map(d -> d.compareTo(maxDelay) > 0 ? maxDelay : d).orElse(backoff(attempt));
      if (attempt >= maxAttempts || tooLate(start, delay)) {
        return response;
      }
      listener.onRetry(response.code(), attempt, delay);
      response.close();
      pause(delay);
    }
  }

  /**
   * As OkHttp's {@code RetryAndFollowUpInterceptor}: the latest failure is the cause, the earlier
   * ones are attached to it as suppressed exceptions.
   */
  private static TeacherException exhausted(int attempts, List<IOException> failures) {
    IOException last = failures.get(failures.size() - 1);
    for (IOException earlier : failures.subList(0, failures.size() - 1)) {
      last.addSuppressed(earlier);
    }
    return new TeacherException(
        Kind.RETRYABLE, "no answer after " + attempts + " attempts, last: " + last, attempts, last);
  }

  private static IOException cancelled(List<IOException> failures) {
    IOException e = new IOException("Canceled");
    failures.forEach(e::addSuppressed);
    return e;
  }

  private static boolean shouldRetry(Response response) throws IOException {
    int code = response.code();
    if (code < 400) {
      return false;
    }
    // Servers may override: OpenAI's SDKs obey x-should-retry the same way.
    String should = response.header("x-should-retry");
    if ("true".equals(should)) {
      return true;
    }
    if ("false".equals(should)) {
      return false;
    }
    ProviderError error =
        code == 429 ? ErrorClassifier.parse(response.peekBody(65_536).string()) : null;
    return ErrorClassifier.classify(code, error == null ? new ProviderError(null, null, "") : error)
        == Kind.RETRYABLE;
  }

  /** Full jitter: a uniform wait in [0, min(max, base * 2^(attempt-1))]. */
  Duration backoff(int attempt) {
    double ceiling = Math.min(maxDelay.toMillis(), baseDelay.toMillis() * Math.pow(2, attempt - 1));
    return Duration.ofMillis((long) (random.getAsDouble() * ceiling));
  }

  private boolean tooLate(long start, Duration delay) {
    return clock.millis() - start + delay.toMillis() > maxTotal.toMillis();
  }

  private void pause(Duration delay) throws InterruptedIOException {
    try {
      sleeper.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while backing off");
    }
  }

  private static boolean isCanceled(Chain chain) {
    return chain.call().isCanceled();
  }
}
