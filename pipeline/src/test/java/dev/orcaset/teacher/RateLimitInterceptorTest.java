package dev.orcaset.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orcaset.model.ChatRequest;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class RateLimitInterceptorTest {
  private static final long MS = 1_000_000L;

  @StartStop final MockWebServer server = new MockWebServer();

  private long now = 0;
  private final List<Long> slept = new ArrayList<>();

  private OkHttpClient client(RateLimiter limiter) {
    return new OkHttpClient.Builder()
        .addInterceptor(
            new RateLimitInterceptor(
                limiter,
                100,
                ms -> {
                  slept.add(ms);
                  now += ms * MS;
                }))
        .build();
  }

  private int call(OkHttpClient c, String body) throws Exception {
    Request r =
        new Request.Builder()
            .url(server.url("/v1/chat/completions"))
            .post(RequestBody.create(body, MediaType.get("application/json")))
            .build();
    try (Response resp = c.newCall(r).execute()) {
      return resp.code();
    }
  }

  @Test
  void anAccountReportingNothingLeftSlowsThisWorkerDown() throws Exception {
    RateLimiter limiter = new RateLimiter(6_000, 0, () -> now);
    OkHttpClient c = client(limiter);
    double full = limiter.currentRpm();
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .addHeader("x-ratelimit-limit-requests", "6000")
            .addHeader("x-ratelimit-remaining-requests", "0")
            .addHeader("x-ratelimit-reset-requests", "750ms")
            .body("{}")
            .build());
    assertEquals(200, call(c, "{}"));
    assertEquals(full * 0.97, limiter.currentRpm(), 1e-6, "eases off before any 429");
  }

  @Test
  void a429IsReportedToTheLimiter_andItsRetryAfterHoldsTheNextRequest() throws Exception {
    RateLimiter limiter = new RateLimiter(6_000, 0, () -> now);
    OkHttpClient c = client(limiter);
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .addHeader("retry-after-ms", "300")
            .body("{\"error\":{\"code\":\"rate_limit_exceeded\"}}")
            .build());
    server.enqueue(new MockResponse.Builder().code(200).body("{}").build());
    assertEquals(429, call(c, "{}"));
    assertEquals(1, limiter.rateLimitedCount());
    assertEquals(200, call(c, "{}"));
    assertEquals(
        300L,
        slept.stream().mapToLong(Long::longValue).sum(),
        "held for the server's retry-after, not more: " + slept);
  }

  @Test
  void estimatesTokensAsPromptCharactersOverFourPlusMaxTokens() throws Exception {
    RateLimitInterceptor i = new RateLimitInterceptor(RateLimiter.unlimited(), 100, ms -> {});
    Request r =
        new Request.Builder()
            .url(server.url("/"))
            .post(RequestBody.create("x".repeat(400), MediaType.get("application/json")))
            .build();
    assertEquals(200, i.estimateTokens(r));
  }

  @Test
  void aTaggedChatRequestIsChargedItsMessagesAndMaxTokens_notTheJsonAroundThem() throws Exception {
    RateLimitInterceptor i = new RateLimitInterceptor(RateLimiter.unlimited(), 100, ms -> {});
    ChatRequest chat =
        new ChatRequest(
            "m", "s".repeat(40), "u".repeat(360), 0, null, 1_000, null, false, false, null);
    Request r =
        new Request.Builder()
            .url(server.url("/"))
            .post(RequestBody.create(chat.toJson().toString(), MediaType.get("application/json")))
            .tag(ChatRequest.class, chat)
            .build();
    assertEquals(1_100, i.estimateTokens(r), "400 characters and max_tokens 1,000");
  }
}
