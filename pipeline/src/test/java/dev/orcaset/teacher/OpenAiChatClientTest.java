package dev.orcaset.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orcaset.config.TeacherConfig;
import dev.orcaset.model.ChatCompletion;
import dev.orcaset.model.ChatRequest;
import dev.orcaset.teacher.TeacherException.Kind;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Chat Completions client against a real HTTP server on loopback. */
class OpenAiChatClientTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "sk-test-0123456789abcdef";

  @StartStop final MockWebServer server = new MockWebServer();

  private final List<Long> sleeps = new ArrayList<>();
  private OkHttpClient http;

  @AfterEach
  void shutdown() {
    if (http != null) {
      TeacherHttp.shutdown(http);
    }
  }

  private TeacherClient client(String key) {
    http =
        new OkHttpClient.Builder()
            .addInterceptor(AuthInterceptor.of("bearer", key))
            .addInterceptor(
                new RetryInterceptor(
                    4,
                    Duration.ofMillis(100),
                    Duration.ofSeconds(5),
                    Duration.ofMinutes(1),
                    sleeps::add,
                    Clock.systemUTC(),
                    () -> 1.0,
                    RetryInterceptor.RetryListener.NONE))
            .addInterceptor(new UnreadableBodyInterceptor())
            .build();
    return new OpenAiChatClient(http, server.url("/v1").toString(), "MY_KEY_VAR", key);
  }

  private static ChatRequest request(String system) {
    return new ChatRequest(
        "gpt-test", system, "What is 2 + 2?", 0.7, 0.9, 256, 7L, false, false, null);
  }

  private static MockResponse ok(String content) {
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", "application/json")
        .body(
            """
            {"id":"x","model":"gpt-test-2025","choices":[{"index":0,"message":{"role":"assistant","content":%s},
            "finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":34}}
            """
                .formatted(JSON.valueToTree(content).toString()))
        .build();
  }

  private static MockResponse error(int code, String errorCode, String message) {
    return new MockResponse.Builder()
        .code(code)
        .body(
            """
            {"error":{"message":"%s","type":"x","param":null,"code":%s}}
            """
                .formatted(message, errorCode == null ? "null" : "\"" + errorCode + "\""))
        .build();
  }

  private static TeacherException failure(TeacherClient c, ChatRequest r)
      throws InterruptedException {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> c.complete(r).get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof TeacherException, "cause: " + e.getCause());
    return (TeacherException) e.getCause();
  }

  @Test
  void sendsSystemAndUserMessagesWithSamplingParams_andReadsTheAnswer() throws Exception {
    server.enqueue(ok("Step 1: add. Answer: 4."));
    ChatCompletion answer =
        client(KEY).complete(request("Explain step by step.")).get(10, TimeUnit.SECONDS);

    RecordedRequest sent = server.takeRequest();
    assertEquals("POST", sent.getMethod());
    assertEquals("/v1/chat/completions", sent.getUrl().encodedPath());
    JsonNode body = JSON.readTree(sent.getBody().utf8());
    assertEquals("gpt-test", body.get("model").asText());
    assertEquals(2, body.get("messages").size());
    assertEquals("system", body.at("/messages/0/role").asText());
    assertEquals("Explain step by step.", body.at("/messages/0/content").asText());
    assertEquals("user", body.at("/messages/1/role").asText());
    assertEquals("What is 2 + 2?", body.at("/messages/1/content").asText());
    assertEquals(0.7, body.get("temperature").asDouble());
    assertEquals(0.9, body.get("top_p").asDouble());
    assertEquals(256, body.get("max_tokens").asInt());
    assertEquals(7, body.get("seed").asInt());

    assertEquals("Step 1: add. Answer: 4.", answer.content());
    assertEquals("stop", answer.finishReason());
    assertEquals(12, answer.promptTokens());
    assertEquals(34, answer.completionTokens());
    assertEquals("gpt-test-2025", answer.servedModel());
    assertEquals(1, answer.attempts());
  }

  @Test
  void omitsTheSystemMessageWhenThePromptIsEmpty() throws Exception {
    server.enqueue(ok("4"));
    client(KEY).complete(request("")).get(10, TimeUnit.SECONDS);
    JsonNode body = JSON.readTree(server.takeRequest().getBody().utf8());
    assertEquals(1, body.get("messages").size());
    assertEquals("user", body.at("/messages/0/role").asText());
  }

  @Test
  void sendsTheAuthHeaderOnlyWhenAKeyIsConfigured() throws Exception {
    server.enqueue(ok("a"));
    server.enqueue(ok("b"));
    client(KEY).complete(request("")).get(10, TimeUnit.SECONDS);
    assertEquals("Bearer " + KEY, server.takeRequest().getHeaders().get("Authorization"));
    shutdown();
    client(null).complete(request("")).get(10, TimeUnit.SECONDS);
    assertNull(server.takeRequest().getHeaders().get("Authorization"));
  }

  @Test
  void azureStyleSendsTheKeyAsApiKeyHeaderAndKeepsTheQuery() throws Exception {
    server.enqueue(ok("a"));
    http = new OkHttpClient.Builder().addInterceptor(AuthInterceptor.of("api-key", KEY)).build();
    TeacherClient azure =
        new OpenAiChatClient(
            http,
            server.url("/openai/deployments/gpt4o?api-version=2024-06-01").toString(),
            "AZURE_KEY",
            KEY);
    azure.complete(request("")).get(10, TimeUnit.SECONDS);
    RecordedRequest sent = server.takeRequest();
    assertEquals(KEY, sent.getHeaders().get("api-key"));
    assertNull(sent.getHeaders().get("Authorization"));
    assertEquals("/openai/deployments/gpt4o/chat/completions", sent.getUrl().encodedPath());
    assertEquals("2024-06-01", sent.getUrl().queryParameter("api-version"));
  }

  @Test
  void retriesA429HonouringRetryAfter_thenA503_thenSucceeds() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .addHeader("retry-after-ms", "1500")
            .body(
                "{\"error\":{\"message\":\"Rate limit reached. Please try again in"
                    + " 1.5s\",\"code\":\"rate_limit_exceeded\"}}")
            .build());
    server.enqueue(error(503, null, "overloaded"));
    server.enqueue(ok("finally"));

    ChatCompletion answer = client(KEY).complete(request("")).get(10, TimeUnit.SECONDS);

    assertEquals("finally", answer.content());
    assertEquals(3, answer.attempts());
    assertEquals(3, server.getRequestCount());
    assertEquals(1500L, sleeps.get(0), "the server's retry-after-ms wins over our backoff");
    assertEquals(200L, sleeps.get(1), "second retry backs off 100 ms * 2^1 (jitter fixed at 1.0)");
  }

  @Test
  void givenRetriesRunOut_failsTheRowAsRetryableWithTheAttemptCount() throws Exception {
    for (int i = 0; i < 4; i++) {
      server.enqueue(error(500, null, "boom " + i));
    }
    TeacherException e = failure(client(KEY), request(""));
    assertEquals(Kind.RETRYABLE, e.kind());
    assertEquals(4, e.attempts());
    assertEquals(500, e.httpStatus());
    assertTrue(e.getMessage().contains("boom 3"), e.getMessage());
  }

  @Test
  void a400ContextLengthError_isPermanentForTheRow_notRetried_andKeepsTheServersMessage()
      throws Exception {
    server.enqueue(
        error(
            400, "context_length_exceeded", "This model's maximum context length is 8192 tokens"));
    TeacherException e = failure(client(KEY), request(""));
    assertEquals(Kind.PERMANENT, e.kind());
    assertEquals(400, e.httpStatus());
    assertEquals("context_length_exceeded", e.providerCode());
    assertTrue(e.getMessage().contains("maximum context length is 8192"), e.getMessage());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void a401StopsTheJob_namingTheEnvVariable_neverTheKey() throws Exception {
    server.enqueue(error(401, "invalid_api_key", "Incorrect API key provided: " + KEY));
    TeacherException e = failure(client(KEY), request(""));
    assertEquals(Kind.FATAL, e.kind());
    assertTrue(e.getMessage().contains("MY_KEY_VAR"), e.getMessage());
    assertFalse(e.getMessage().contains(KEY), "the key must be redacted: " + e.getMessage());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void a429ForExhaustedQuota_isFatal_andNeverRetried() throws Exception {
    server.enqueue(error(429, "insufficient_quota", "You exceeded your current quota"));
    TeacherException e = failure(client(KEY), request(""));
    assertEquals(Kind.FATAL, e.kind());
    assertTrue(e.getMessage().contains("quota"), e.getMessage());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void aGarbledSuccessIsRetried_andAnswersOnceReadable() throws Exception {
    server.enqueue(
        new MockResponse.Builder().code(200).body("<html>502 Bad Gateway</html>").build());
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .body("{\"choices\": [{\"message\": {\"content\": \"ok\"")
            .build());
    server.enqueue(ok("readable"));
    ChatCompletion answer = client(KEY).complete(request("")).get(10, TimeUnit.SECONDS);
    assertEquals("readable", answer.content());
    assertEquals(3, answer.attempts());
  }

  @Test
  void aBodyThatStaysGarbled_failsTheRowWithAnExcerpt() throws Exception {
    for (int i = 0; i < 4; i++) {
      server.enqueue(new MockResponse.Builder().code(200).body("<html>proxy error</html>").build());
    }
    TeacherException e = failure(client(KEY), request(""));
    assertEquals(Kind.RETRYABLE, e.kind());
    assertEquals(4, e.attempts());
    assertTrue(e.getMessage().contains("not JSON: <html>proxy error</html>"), e.getMessage());
  }

  @Test
  void streaming_assemblesDeltasFinishReasonAndUsage_andKeepsTheRequestHash() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .addHeader("Content-Type", "text/event-stream; charset=utf-8")
            .body(
                """
                : keep-alive

                data: {"model":"gpt-test-2025","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}

                data: {"choices":[{"index":0,"delta":{"content":"Step 1: add. "}}]}

                data: {"choices":[{"index":0,"delta":{"content":"Answer: 4."},"finish_reason":"stop"}]}

                data: {"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":7}}

                data: [DONE]

                """)
            .build());
    ChatRequest streamed =
        new ChatRequest("gpt-test", "", "What is 2 + 2?", 0.7, 0.9, 256, 7L, true, false, null);
    ChatCompletion answer = client(KEY).complete(streamed).get(10, TimeUnit.SECONDS);

    JsonNode body = JSON.readTree(server.takeRequest().getBody().utf8());
    assertTrue(body.get("stream").asBoolean());
    assertTrue(body.at("/stream_options/include_usage").asBoolean());
    assertEquals("Step 1: add. Answer: 4.", answer.content());
    assertEquals("stop", answer.finishReason());
    assertEquals(12, answer.promptTokens());
    assertEquals(7, answer.completionTokens());
    assertEquals("gpt-test-2025", answer.servedModel());
    assertEquals(
        request("").requestHash(),
        streamed.requestHash(),
        "streaming does not change what is asked");
  }

  @Test
  void streamingFromAReasoningServer_joinsTheReasoningDeltasApartFromTheAnswer() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .addHeader("Content-Type", "text/event-stream")
            .body(
                """
                data: {"model":"deepseek-r1","choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"2 + 2 "}}]}

                data: {"choices":[{"index":0,"delta":{"reasoning_content":"is 4.","content":null}}]}

                data: {"choices":[{"index":0,"delta":{"content":"Answer: 4."},"finish_reason":"stop"}]}

                data: {"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":9,"completion_tokens_details":{"reasoning_tokens":5}}}

                data: [DONE]

                """)
            .build());
    ChatCompletion answer =
        client(KEY)
            .complete(
                new ChatRequest(
                    "deepseek-r1", "", "2 + 2?", 0.6, null, 256, null, true, false, null))
            .get(10, TimeUnit.SECONDS);
    assertEquals("Answer: 4.", answer.content());
    assertEquals("2 + 2 is 4.", answer.reasoning());
    assertEquals(5, answer.reasoningTokens());
    assertEquals(9, answer.completionTokens());
  }

  @Test
  void aStreamCutShort_isRetried() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .addHeader("Content-Type", "text/event-stream")
            .body("data: {\"choices\":[{\"delta\":{\"content\":\"Step 1\"}}]}\n\n")
            .build());
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .addHeader("Content-Type", "text/event-stream")
            .body(
                "data:"
                    + " {\"choices\":[{\"delta\":{\"content\":\"whole\"},\"finish_reason\":\"stop\"}]}\n\n"
                    + "data: [DONE]\n\n")
            .build());
    ChatCompletion answer =
        client(KEY)
            .complete(new ChatRequest("gpt-test", "", "q", 0.7, null, 16, null, true, false, null))
            .get(10, TimeUnit.SECONDS);
    assertEquals("whole", answer.content());
    assertEquals(2, answer.attempts());
  }

  @Test
  void aContentFilterStop_failsTheRowPermanently() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .body(
                """
                {"choices":[{"message":{"role":"assistant","content":""},"finish_reason":"content_filter"}]}\
                """)
            .build());
    TeacherException e = failure(client(KEY), request(""));
    assertEquals(Kind.PERMANENT, e.kind());
    assertEquals("content_filter", e.providerCode());
  }

  @Test
  void dispatcherLimitsFollowTheConfiguredConcurrency() {
    TeacherConfig cfg =
        TeacherConfig.defaults().toBuilder()
            .baseUrl(server.url("/v1").toString())
            .model("m")
            .concurrency(48)
            .build();
    http =
        TeacherHttp.client(cfg, null, RateLimiter.unlimited(), RetryInterceptor.RetryListener.NONE);
    assertEquals(48, http.dispatcher().getMaxRequests());
    assertEquals(
        48,
        http.dispatcher().getMaxRequestsPerHost(),
        "OkHttp's default of 5 per host would cap us");
  }
}
