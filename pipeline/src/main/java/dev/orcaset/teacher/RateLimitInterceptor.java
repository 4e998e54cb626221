package dev.orcaset.teacher;

import dev.orcaset.cost.TokenEstimate;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Instant;
import java.util.OptionalLong;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import okio.Buffer;

/**
 * Waits for budget before every attempt (it sits inside the retry interceptor, so retries pay too),
 * then tells the limiter what the server said: 429s and its remaining budget.
 *
 * <p>A request's token cost is estimated as providers count it: prompt tokens (about four
 * characters each) plus the `max_tokens` the request reserves.
 */
public final class RateLimitInterceptor implements Interceptor {
  private final RateLimiter limiter;
  private final int maxTokens;
  private final Sleeper sleeper;

  public RateLimitInterceptor(RateLimiter limiter, int maxTokens, Sleeper sleeper) {
    this.limiter = limiter;
    this.maxTokens = maxTokens;
    this.sleeper = sleeper;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    long wait = limiter.reserve(estimateTokens(request));
    if (wait > 0) {
      try {
        sleeper.sleep(Math.max(1, wait / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for rate-limit budget");
      }
    }
    Response response = chain.proceed(request);
    if (response.code() == 429) {
      limiter.onRateLimited();
    }
    observe(response, "requests", 0);
    observe(response, "tokens", maxTokens); // not even one more answer of max_tokens fits
    return response;
  }

  /**
   * OpenAI's `x-ratelimit-remaining-requests` / `x-ratelimit-reset-requests` (a duration), or
   * Anthropic's `anthropic-ratelimit-requests-remaining` / `-reset` (a time, RFC 3339).
   */
  private void observe(Response response, String kind, long atLeast) {
    OptionalLong remaining =
        RateLimitHeaders.count(response.header("x-ratelimit-remaining-" + kind));
    OptionalLong reset =
        RateLimitHeaders.durationNanos(response.header("x-ratelimit-reset-" + kind));
    if (remaining.isEmpty()) {
      remaining =
          RateLimitHeaders.count(response.header("anthropic-ratelimit-" + kind + "-remaining"));
      reset =
          RateLimitHeaders.untilNanos(
              response.header("anthropic-ratelimit-" + kind + "-reset"), Instant.now());
    }
    if (remaining.isPresent() && reset.isPresent()) {
      limiter.onServerBudget(remaining.getAsLong(), atLeast, reset.getAsLong());
    }
  }

  long estimateTokens(Request request) throws IOException {
    long bodyChars = 0;
    if (request.body() != null) {
      Buffer buffer = new Buffer();
      request.body().writeTo(buffer);
      bodyChars = buffer.size();
    }
    return TokenEstimate.fromChars(bodyChars) + maxTokens;
  }
}
