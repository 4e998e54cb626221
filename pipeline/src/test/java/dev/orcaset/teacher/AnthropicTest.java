package dev.orcaset.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orcaset.config.BatchConfig;
import dev.orcaset.model.ChatCompletion;
import dev.orcaset.model.ChatRequest;
import dev.orcaset.teacher.batch.AnthropicBatchApi;
import dev.orcaset.teacher.batch.BatchItem;
import dev.orcaset.teacher.batch.BatchLedger;
import dev.orcaset.teacher.batch.BatchResult;
import dev.orcaset.teacher.batch.BatchRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Anthropic's Messages API and Message Batches against a real HTTP server on loopback. */
class AnthropicTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "sk-ant-test-0123456789";

  @StartStop final MockWebServer server = new MockWebServer();

  @TempDir Path journal;
  private OkHttpClient http;
  private final RateLimiter limiter = new RateLimiter(6000, 0, Ticker.SYSTEM);

  @AfterEach
  void shutdown() {
    if (http != null) {
      TeacherHttp.shutdown(http);
    }
  }

  private OkHttpClient http(String key) {
    http =
        new OkHttpClient.Builder()
            .addInterceptor(AuthInterceptor.of("x-api-key", key))
            .addInterceptor(
                new RetryInterceptor(
                    4,
                    Duration.ofMillis(10),
                    Duration.ofMillis(50),
                    Duration.ofMinutes(1),
                    ms -> {},
                    Clock.systemUTC(),
                    () -> 1.0,
                    RetryInterceptor.RetryListener.NONE))
            .addInterceptor(new RateLimitInterceptor(limiter, 256, ms -> {}))
            .build();
    return http;
  }

  private TeacherClient client(String key) {
    return new AnthropicMessagesClient(
        http(key), server.url("/v1").toString(), "ANTHROPIC_API_KEY", key);
  }

  private static ChatRequest request(String system) {
    return new ChatRequest(
        "claude-test", system, "What is 2 + 2?", 0.5, null, 256, 7L, false, false, null);
  }

  private static String message(String stop, String... texts) {
    StringBuilder blocks = new StringBuilder();
    for (String t : texts) {
      blocks
          .append(blocks.length() == 0 ? "" : ",")
          .append("{\"type\":\"text\",\"text\":")
          .append(JSON.valueToTree(t).toString())
          .append('}');
    }
    return """
    {"id":"msg_1","type":"message","role":"assistant","model":"claude-test-20250101","content":[%s],
     "stop_reason":"%s","usage":{"input_tokens":21,"output_tokens":43}}\
    """
        .formatted(blocks, stop)
        .replace("\n", "");
  }

  @Test
  void sendsTheMessagesApiShape_andMapsTheAnswer() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .body(message("end_turn", "Step 1: add. ", "Answer: 4."))
            .build());
    ChatCompletion a =
        client(KEY).complete(request("Explain step by step.")).get(10, TimeUnit.SECONDS);
    assertEquals("Step 1: add. Answer: 4.", a.content());
    assertEquals("stop", a.finishReason(), "end_turn is a finished answer");
    assertEquals(21, a.promptTokens());
    assertEquals(43, a.completionTokens());
    assertEquals("claude-test-20250101", a.servedModel());

    RecordedRequest sent = server.takeRequest();
    assertEquals("/v1/messages", sent.getUrl().encodedPath());
    assertEquals(KEY, sent.getHeaders().get("x-api-key"));
    assertNull(sent.getHeaders().get("Authorization"));
    assertEquals("2023-06-01", sent.getHeaders().get("anthropic-version"));
    JsonNode body = JSON.readTree(sent.getBody().utf8());
    assertEquals(
        "Explain step by step.",
        body.get("system").asText(),
        "the system prompt is a top-level field");
    assertEquals(256, body.get("max_tokens").asInt());
    assertEquals(1, body.get("messages").size());
    assertEquals("user", body.get("messages").get(0).get("role").asText());
    assertFalse(body.has("seed"), "the Messages API has no seed");
  }

  @Test
  void aReasoningRequestEnablesExtendedThinking_withoutSamplingParameters() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .body(
                """
                {"id":"msg_2","type":"message","role":"assistant","model":"claude-test",
                 "content":[{"type":"thinking","thinking":"2 and 2 make 4.","signature":"s"},
                 {"type":"text","text":"Answer: 4."}],"stop_reason":"end_turn",
                 "usage":{"input_tokens":21,"output_tokens":60}}\
                """
                    .replace("\n", ""))
            .build());
    ChatRequest thinking =
        new ChatRequest(
            "claude-test", "Think.", "What is 2 + 2?", 0.5, 0.9, 4096, null, false, true, "high");
    ChatCompletion a = client(KEY).complete(thinking).get(10, TimeUnit.SECONDS);
    assertEquals("Answer: 4.", a.content());
    assertEquals("2 and 2 make 4.", a.reasoning());
    JsonNode body = JSON.readTree(server.takeRequest().getBody().utf8());
    assertEquals("enabled", body.at("/thinking/type").asText());
    assertEquals(3072, body.at("/thinking/budget_tokens").asInt(), "high: three quarters");
    assertEquals(4096, body.get("max_tokens").asInt());
    assertFalse(body.has("temperature"), "Claude refuses a temperature beside thinking");
    assertFalse(body.has("top_p"));
    assertEquals(1024, ChatRequest.thinkingBudget(1025, "minimal"));
    assertEquals(1024, ChatRequest.thinkingBudget(1500, "low"), "never under Anthropic's least");
    assertEquals(8000, ChatRequest.thinkingBudget(16000, null), "medium by default: half");
  }

  @Test
  void anEmptySystemPromptIsLeftOut_andMaxTokensBecomesLength() throws Exception {
    server.enqueue(
        new MockResponse.Builder().code(200).body(message("max_tokens", "Step 1: I beg")).build());
    ChatCompletion a = client(KEY).complete(request("")).get(10, TimeUnit.SECONDS);
    assertEquals("length", a.finishReason());
    assertFalse(JSON.readTree(server.takeRequest().getBody().utf8()).has("system"));
  }

  @Test
  void overloaded529IsRetried_a401StopsTheRunWithTheKeyRedacted() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(529)
            .body(
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")
            .build());
    server.enqueue(new MockResponse.Builder().code(200).body(message("end_turn", "4")).build());
    assertEquals(2, client(KEY).complete(request("")).get(10, TimeUnit.SECONDS).attempts());

    server.enqueue(
        new MockResponse.Builder()
            .code(401)
            .body(
                "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid"
                    + " x-api-key "
                    + KEY
                    + "\"}}")
            .build());
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> client(KEY).complete(request("")).get(10, TimeUnit.SECONDS));
    TeacherException te = (TeacherException) e.getCause();
    assertEquals(TeacherException.Kind.FATAL, te.kind());
    assertEquals("authentication_error", te.providerCode());
    assertTrue(te.getMessage().contains("ANTHROPIC_API_KEY"), te.getMessage());
    assertFalse(te.getMessage().contains(KEY), "the key is redacted: " + te.getMessage());
  }

  @Test
  void anthropicRateLimitHeadersHoldNewRequestsUntilTheReset() throws Exception {
    String reset = Instant.now().plusSeconds(30).toString();
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .body(message("end_turn", "4"))
            .addHeader("anthropic-ratelimit-requests-remaining", "0")
            .addHeader("anthropic-ratelimit-requests-reset", reset)
            .build());
    assertEquals(
        0, limiter.tryAcquire(1) / 1_000_000_000L, "no wait before the server says anything");
    client(KEY).complete(request("")).get(10, TimeUnit.SECONDS);
    long waitSeconds = limiter.tryAcquire(1) / 1_000_000_000L;
    assertTrue(
        waitSeconds >= 25 && waitSeconds <= 30, "held until the reset: " + waitSeconds + " s");
  }

  @Test
  void messageBatches_submitPollStreamResults_andResubmitExpiredRequests() throws Exception {
    List<JsonNode> submissions = new CopyOnWriteArrayList<>();
    AtomicInteger polls = new AtomicInteger();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest r) {
            String path = r.getUrl().encodedPath();
            try {
              if (path.equals("/v1/messages/batches") && "POST".equals(r.getMethod())) {
                submissions.add(JSON.readTree(r.getBody().utf8()));
                return json(
                    "{\"id\":\"msgbatch_"
                        + submissions.size()
                        + "\",\"type\":\"message_batch\","
                        + "\"processing_status\":\"in_progress\",\"request_counts\":{\"processing\":3},\"results_url\":null}");
              }
              if (path.startsWith("/v1/messages/batches/msgbatch_")) {
                String id = path.substring(path.lastIndexOf('/') + 1);
                boolean ended = polls.incrementAndGet() % 2 == 0;
                return json(
                    "{\"id\":\""
                        + id
                        + "\",\"processing_status\":\""
                        + (ended ? "ended" : "in_progress")
                        + "\",\"request_counts\":{\"processing\":0,\"succeeded\":1,\"errored\":1,\"canceled\":0,\"expired\":"
                        + (id.equals("msgbatch_1") ? 1 : 0)
                        + "},\"results_url\":"
                        + (ended ? "\"" + server.url("/results/" + id) + "\"" : "null")
                        + "}");
              }
              if (path.startsWith("/results/")) {
                JsonNode sent =
                    submissions
                        .get(Integer.parseInt(path.substring(path.lastIndexOf('_') + 1)) - 1)
                        .get("requests");
                StringBuilder lines = new StringBuilder();
                for (int i = 0; i < sent.size(); i++) {
                  String id = sent.get(i).get("custom_id").asText();
                  String result =
                      sent.size() == 1 || i == 0
                          ? "{\"type\":\"succeeded\",\"message\":"
                              + message("end_turn", "answer to " + i)
                              + "}"
                          : i == 1
                              ? "{\"type\":\"errored\",\"error\":{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"prompt"
                                    + " too long\"}}}"
                              : "{\"type\":\"expired\"}";
                  lines.insert(
                      0, "{\"custom_id\":\"" + id + "\",\"result\":" + result + "}\n"); // any order
                }
                return new MockResponse.Builder().code(200).body(lines.toString()).build();
              }
            } catch (Exception e) {
              return new MockResponse.Builder().code(500).body(e.toString()).build();
            }
            return new MockResponse.Builder().code(404).body("{}").build();
          }
        });
    Map<String, BatchItem> items = new LinkedHashMap<>();
    for (String q : List.of("one", "two", "three")) {
      ChatRequest r =
          new ChatRequest("claude-test", "Think.", q, 0.5, null, 128, null, false, false, null);
      items.put(r.requestHash(), new BatchItem(r.requestHash(), r));
    }
    BatchRunner runner =
        new BatchRunner(
            new AnthropicBatchApi(
                http(KEY), server.url("/v1").toString(), "ANTHROPIC_API_KEY", KEY),
            new BatchLedger(journal.toString()),
            new BatchConfig(100, null, null, 1, 1, 2, null, null),
            "run-a",
            Map.of(),
            ms -> {},
            s -> {});
    Map<String, BatchResult> results = new HashMap<>();
    runner.run(items, true, batch -> batch.forEach(r -> results.put(r.customId(), r)));

    assertEquals(2, submissions.size(), "the expired request was resubmitted alone");
    JsonNode first = submissions.get(0).get("requests");
    assertEquals(3, first.size());
    assertEquals("Think.", first.get(0).get("params").get("system").asText());
    assertEquals(128, first.get(0).get("params").get("max_tokens").asInt());
    assertEquals(1, submissions.get(1).get("requests").size());
    List<BatchItem> list = new ArrayList<>(items.values());
    assertEquals(
        list.get(2).customId(),
        submissions.get(1).get("requests").get(0).get("custom_id").asText());

    assertEquals("answer to 0", results.get(list.get(0).customId()).answer().content());
    assertEquals(
        TeacherException.Kind.PERMANENT, results.get(list.get(1).customId()).error().kind());
    assertTrue(
        results.get(list.get(1).customId()).error().getMessage().contains("prompt too long"));
    assertEquals(
        "answer to 0",
        results.get(list.get(2).customId()).answer().content(),
        "answered by the resubmission");
  }

  private static MockResponse json(String body) {
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }
}
