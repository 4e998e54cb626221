package dev.orcaset.teacher.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.orcaset.io.Hashes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local HTTP server speaking the OpenAI Chat Completions shape, so the demo and the tests run
 * the real HTTP client end to end without a paid API. Answers are deterministic
 * ({@link SimulatedAnswers}); latency is configurable.
 *
 * <p>Markers in the user message make it misbehave on purpose, for tests and demos of the
 * failure paths: {@code [[sim:status=400:context_length_exceeded]]} always answers that status
 * and error code; {@code [[sim:fail-once=503]]} fails the first attempt of that request only.
 */
public final class SimulatedTeacher implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern STATUS = Pattern.compile("\\[\\[sim:status=(\\d{3})(?::([a-z_]+))?]]");
  private static final Pattern FAIL_ONCE = Pattern.compile("\\[\\[sim:fail-once=(\\d{3})]]");

  private final HttpServer server;
  private final ExecutorService executor;
  private final int latencyMs;
  private final int jitterMs;
  private final AtomicLong requests = new AtomicLong();
  private final Map<String, AtomicInteger> answeredByHash = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> seenByHash = new ConcurrentHashMap<>();

  private SimulatedTeacher(HttpServer server, ExecutorService executor, int latencyMs, int jitterMs) {
    this.server = server;
    this.executor = executor;
    this.latencyMs = latencyMs;
    this.jitterMs = jitterMs;
  }

  /** Starts on 127.0.0.1; port 0 picks a free one. */
  public static SimulatedTeacher start(int port, int latencyMs, int jitterMs) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
    ExecutorService executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "simulated-teacher");
      t.setDaemon(true);
      return t;
    });
    SimulatedTeacher sim = new SimulatedTeacher(server, executor, latencyMs, jitterMs);
    server.createContext("/v1/chat/completions", sim::handleChat);
    server.createContext("/v1/models", sim::handleModels);
    server.setExecutor(executor);
    server.start();
    return sim;
  }

  /** The base URL to put in `teacher.base_url`, e.g. `http://127.0.0.1:40123/v1`. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** HTTP requests received on the chat endpoint, including failed ones. */
  public long requestCount() {
    return requests.get();
  }

  /** How many times a request body (by hash) was answered with 200: more than 1 is double billing. */
  public Map<String, AtomicInteger> answeredByHash() {
    return answeredByHash;
  }

  private void handleModels(HttpExchange ex) throws IOException {
    send(ex, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"orcaset-sim-1\",\"object\":\"model\"}]}");
  }

  private void handleChat(HttpExchange ex) throws IOException {
    try (ex) {
      requests.incrementAndGet();
      if (!"POST".equals(ex.getRequestMethod())) {
        send(ex, 405, error("method not allowed", "invalid_request_error", null));
        return;
      }
      byte[] raw;
      try (InputStream in = ex.getRequestBody()) {
        raw = in.readAllBytes();
      }
      String bodyText = new String(raw, StandardCharsets.UTF_8);
      JsonNode body;
      try {
        body = JSON.readTree(bodyText);
      } catch (IOException e) {
        send(ex, 400, error("body is not JSON", "invalid_request_error", null));
        return;
      }
      String system = "";
      String user = null;
      for (JsonNode m : body.path("messages")) {
        if ("system".equals(m.path("role").asText())) {
          system = m.path("content").asText();
        } else if ("user".equals(m.path("role").asText())) {
          user = m.path("content").asText();
        }
      }
      if (user == null || !body.hasNonNull("model")) {
        send(ex, 400, error("model and a user message are required", "invalid_request_error", null));
        return;
      }
      String hash = Hashes.sha256Hex(bodyText);
      int seen = seenByHash.computeIfAbsent(hash, h -> new AtomicInteger()).incrementAndGet();
      pause();
      Matcher status = STATUS.matcher(user);
      if (status.find()) {
        send(ex, Integer.parseInt(status.group(1)),
            error("simulated error", "invalid_request_error", status.group(2)));
        return;
      }
      Matcher failOnce = FAIL_ONCE.matcher(user);
      if (failOnce.find() && seen == 1) {
        send(ex, Integer.parseInt(failOnce.group(1)), error("simulated transient error", "server_error", null));
        return;
      }
      String answer = SimulatedAnswers.answer(system, user);
      ObjectNode out = JSON.createObjectNode();
      out.put("id", "chatcmpl-sim-" + hash.substring(0, 12));
      out.put("object", "chat.completion");
      out.put("created", System.currentTimeMillis() / 1000);
      out.put("model", body.get("model").asText());
      ObjectNode choice = out.putArray("choices").addObject();
      choice.put("index", 0);
      choice.putObject("message").put("role", "assistant").put("content", answer);
      choice.put("finish_reason", "stop");
      ObjectNode usage = out.putObject("usage");
      long prompt = SimulatedAnswers.tokens(system) + SimulatedAnswers.tokens(user);
      long completion = SimulatedAnswers.tokens(answer);
      usage.put("prompt_tokens", prompt).put("completion_tokens", completion)
          .put("total_tokens", prompt + completion);
      answeredByHash.computeIfAbsent(hash, h -> new AtomicInteger()).incrementAndGet();
      send(ex, 200, out.toString());
    }
  }

  private void pause() {
    int ms = latencyMs + (jitterMs > 0 ? ThreadLocalRandom.current().nextInt(-jitterMs, jitterMs + 1) : 0);
    if (ms > 0) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String error(String message, String type, String code) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode err = root.putObject("error");
    err.put("message", message).put("type", type);
    if (code == null) {
      err.putNull("code");
    } else {
      err.put("code", code);
    }
    return root.toString();
  }

  private static void send(HttpExchange ex, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
