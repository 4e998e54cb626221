package dev.orcaset.teacher;

import dev.orcaset.cost.TokenEstimate;
import dev.orcaset.model.ChatRequest;
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
 * then tells the limiter what the server said: 429s with their `retry-after`, the account's limits
 * and what remains of them.
 *
 * <p>A request's token cost is estimated as providers count it: prompt tokens (about four
 * characters each) plus the `max_tokens` the request reserves (from the {@link ChatRequest} the
 * request is tagged with; from the whole body when it is not).
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
    try {
      limiter.acquire(estimateTokens(request), sleeper);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for rate-limit budget");
    }
    long sentAt = System.nanoTime();
    Response response = chain.proceed(request);
    limiter.onResponse(feedback(response, sentAt));
    return response;
  }

  /**
   * What the response says about the account: a 429 and its `retry-after`, or the limits and what
   * remains of them, as OpenAI (`x-ratelimit-limit-requests`, `-remaining-requests`, and the same
   * for tokens) or Anthropic (`anthropic-ratelimit-requests-limit`, `-remaining`) name them.
   */
  static RateLimiter.Feedback feedback(Response response, long sentAtNanos) {
    boolean refused = response.code() == 429;
    OptionalLong wait = OptionalLong.empty();
    if (refused) {
      var asked = RetryAfter.of(response, Instant.now());
      if (asked.isPresent()) {
        wait = OptionalLong.of(asked.get().toNanos());
      }
    }
    // A 429 carries the account's headers too: the first answers of an unpaced start are often
    // refusals, and they already say the limit.
    return new RateLimiter.Feedback(
        sentAtNanos,
        refused,
        wait,
        header(response, "limit", "requests"),
        header(response, "remaining", "requests"),
        header(response, "limit", "tokens"),
        header(response, "remaining", "tokens"),
        reset(response, "requests"),
        reset(response, "tokens"));
  }

  /** OpenAI's `x-ratelimit-reset-*` (a duration) or Anthropic's `-reset` (a time, RFC 3339). */
  private static OptionalLong reset(Response response, String kind) {
    OptionalLong v = RateLimitHeaders.durationNanos(response.header("x-ratelimit-reset-" + kind));
    return v.isPresent()
        ? v
        : RateLimitHeaders.untilNanos(
            response.header("anthropic-ratelimit-" + kind + "-reset"), Instant.now());
  }

  private static OptionalLong header(Response response, String what, String kind) {
    OptionalLong v = RateLimitHeaders.count(response.header("x-ratelimit-" + what + "-" + kind));
    return v.isPresent()
        ? v
        : RateLimitHeaders.count(response.header("anthropic-ratelimit-" + kind + "-" + what));
  }

  long estimateTokens(Request request) throws IOException {
    ChatRequest chat = request.tag(ChatRequest.class);
    if (chat != null) {
      return TokenEstimate.rateLimitCharge(
          chat.systemPrompt().length() + chat.userMessage().length(), chat.maxTokens());
    }
    long bodyChars = 0;
    if (request.body() != null) {
      Buffer buffer = new Buffer();
      request.body().writeTo(buffer);
      bodyChars = buffer.size();
    }
    return TokenEstimate.fromChars(bodyChars) + maxTokens;
  }
}
