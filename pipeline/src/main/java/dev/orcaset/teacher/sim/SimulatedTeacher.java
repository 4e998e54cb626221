package dev.orcaset.teacher.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.orcaset.cost.TokenEstimate;
import dev.orcaset.model.ChatRequest;
import dev.orcaset.model.Hashes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local HTTP server speaking the OpenAI Chat Completions shape, so the demo and the tests run the
 * real HTTP client end to end without a paid API. Answers are deterministic ({@link
 * SimulatedAnswers}); latency is configurable.
 *
 * <p>Markers in the user message make it misbehave on purpose, for tests and demos of the failure
 * paths: {@code [[sim:status=400:context_length_exceeded]]} always answers that status and error
 * code; {@code [[sim:fail-once=503]]} fails the first attempt of that request only. Markers for the
 * quality gates: {@code [[sim:reply=TEXT]]} answers exactly TEXT (a refusal, a bare "Yes", a copy
 * of another answer), {@code [[sim:finish=length]]} reports that finish reason. Asked as a judge (a
 * system prompt asking for a {@code "score"} and a {@code "reason"}), it ignores those and honours
 * {@code [[sim:judge=N]]} (that score; anything but a number: a reply with no score) and {@code
 * [[sim:judge-status=N]]} (that error), else scores 8.
 *
 * <p>{@link Options} make it behave like a loaded provider: RPM/TPM limits (tokens counted as
 * prompt characters / 4 plus `max_tokens`, as OpenAI's limiter estimates them) enforced as a
 * sliding window, fixed clock-aligned windows or a token bucket of 1 to 60 seconds ({@link
 * WindowLimit}), answered with 429s carrying `retry-after-ms`/`retry-after` and `x-ratelimit-*`
 * headers that follow the same model (either can be switched off, as some deployments send
 * neither); a share of 500s, a share of dropped connections, and latency jitter.
 */
public final class SimulatedTeacher implements AutoCloseable {
  static {
    // The JDK server writes headers and body separately; with Nagle's algorithm on, the body
    // waits for the client's delayed ACK (about 40 ms) on every answer, which showed up as 5%
    // of a benchmark's throughput. Real servers (uvicorn, nginx) set TCP_NODELAY too. The JDK
    // reads this once, when its first server starts.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern STATUS =
      Pattern.compile("\\[\\[sim:status=(\\d{3})(?::([a-z_]+))?]]");
  private static final Pattern FAIL_ONCE = Pattern.compile("\\[\\[sim:fail-once=(\\d{3})]]");
  private static final Pattern REPLY = Pattern.compile("\\[\\[sim:reply=(.*?)]]", Pattern.DOTALL);
  private static final Pattern FINISH = Pattern.compile("\\[\\[sim:finish=([a-z_]+)]]");
  private static final Pattern JUDGE_STATUS =
      Pattern.compile("\\[\\[sim:judge-status=(\\d{3})(?::([a-z_]+))?]]");

  /**
   * @param rpm requests per minute the simulated account allows (0: no limit)
   * @param tpm tokens per minute, counted as prompt estimate plus max_tokens (0: no limit)
   * @param errorRate share of requests answered with a 500
   * @param resetRate share of requests whose connection is dropped without an answer
   * @param capacity requests the server works on at full speed (0: no limit); beyond that it slows
   *     down instead of refusing, as vLLM and other self-hosted servers do: each answer takes
   *     {@code latency × in flight / capacity}, so throughput stays at capacity / latency
   */
  public record Options(
      int port,
      int latencyMs,
      int jitterMs,
      long rpm,
      long tpm,
      double errorRate,
      double resetRate,
      long seed,
      int capacity,
      WindowLimit.Style limitStyle,
      int windowSeconds,
      boolean rateLimitHeaders,
      boolean retryAfter) {
    public Options {
      if (windowSeconds < 1 || windowSeconds > 60) {
        throw new IllegalArgumentException("window must be 1 to 60 seconds: " + windowSeconds);
      }
    }

    /** Limits enforced as a one-second bucket, with headers and `retry-after`. */
    public Options(
        int port,
        int latencyMs,
        int jitterMs,
        long rpm,
        long tpm,
        double errorRate,
        double resetRate,
        long seed,
        int capacity) {
      this(
          port,
          latencyMs,
          jitterMs,
          rpm,
          tpm,
          errorRate,
          resetRate,
          seed,
          capacity,
          WindowLimit.Style.BUCKET,
          1,
          true,
          true);
    }

    public Options(
        int port,
        int latencyMs,
        int jitterMs,
        long rpm,
        long tpm,
        double errorRate,
        double resetRate,
        long seed) {
      this(port, latencyMs, jitterMs, rpm, tpm, errorRate, resetRate, seed, 0);
    }

    public static Options latency(int latencyMs, int jitterMs) {
      return new Options(0, latencyMs, jitterMs, 0, 0, 0, 0, 1);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Options options;
  private final int latencyMs;
  private final int jitterMs;
  private final Random faults;
  private final WindowLimit requestLimit;
  private final WindowLimit tokenLimit;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong rateLimited = new AtomicLong();
  private final AtomicLong chargedTokens = new AtomicLong();
  private final AtomicLong injectedErrors = new AtomicLong();
  private final AtomicLong droppedConnections = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();
  private final AtomicLong firstRequestNanos = new AtomicLong();
  private final AtomicLong lastAnswerNanos = new AtomicLong();
  private final AtomicLong lastAdmittedNanos = new AtomicLong();
  private final AtomicLong admitted = new AtomicLong();
  private final AtomicLong heldNanos = new AtomicLong();
  // 429s per second since the first request: where in a run a limiter is refused.
  private final Map<Integer, AtomicLong> refusedBySecond = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> admittedBySecond = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> answeredByHash = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> seenByHash = new ConcurrentHashMap<>();

  private SimulatedTeacher(HttpServer server, ExecutorService executor, Options options) {
    this.server = server;
    this.executor = executor;
    this.options = options;
    this.latencyMs = options.latencyMs();
    this.jitterMs = options.jitterMs();
    this.faults = new Random(options.seed());
    // Wall-clock nanoseconds, so fixed windows fall on the clock's seconds as providers' do.
    LongSupplier clock = () -> System.currentTimeMillis() * 1_000_000L;
    this.requestLimit =
        new WindowLimit(options.limitStyle(), options.rpm(), options.windowSeconds(), clock);
    this.tokenLimit =
        new WindowLimit(options.limitStyle(), options.tpm(), options.windowSeconds(), clock);
  }

  /** Starts on 127.0.0.1; port 0 picks a free one. */
  public static SimulatedTeacher start(int port, int latencyMs, int jitterMs) throws IOException {
    return start(new Options(port, latencyMs, jitterMs, 0, 0, 0, 0, 1));
  }

  public static SimulatedTeacher start(Options options) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", options.port()), 512);
    ExecutorService executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "simulated-teacher");
              t.setDaemon(true);
              return t;
            });
    SimulatedTeacher sim = new SimulatedTeacher(server, executor, options);
    server.createContext("/v1/chat/completions", sim::handleChat);
    server.createContext("/v1/models", sim::handleModels);
    server.createContext("/sim/stats", sim::handleStats);
    server.createContext("/v1/files", sim.batches::handleFiles);
    server.createContext("/v1/batches", sim.batches::handleBatches);
    server.setExecutor(executor);
    server.start();
    return sim;
  }

  private final SimulatedBatches batches = new SimulatedBatches();

  /** The Batch API side of the simulated teacher, for tests to steer and count. */
  public SimulatedBatches batches() {
    return batches;
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

  /** Tokens the admitted requests were charged against the TPM limit, on average. */
  public double chargedTokensPerAdmitted() {
    long n = admitted.get();
    return n == 0 ? 0 : chargedTokens.get() / (double) n;
  }

  public long rateLimitedCount() {
    return rateLimited.get();
  }

  public long injectedErrorCount() {
    return injectedErrors.get();
  }

  public long droppedConnectionCount() {
    return droppedConnections.get();
  }

  /**
   * How many times a request body (by hash) was answered with 200: more than 1 is double billing.
   */
  public Map<String, AtomicInteger> answeredByHash() {
    return answeredByHash;
  }

  private void handleModels(HttpExchange ex) throws IOException {
    send(
        ex,
        200,
        "{\"object\":\"list\",\"data\":[{\"id\":\"orcaset-sim-1\",\"object\":\"model\"}]}");
  }

  /**
   * What this server saw, for benchmarks that run it as its own process: requests, 429s, distinct
   * requests answered and answers to a request already answered (paid twice).
   */
  private void handleStats(HttpExchange ex) throws IOException {
    long answers = answeredByHash.values().stream().mapToLong(AtomicInteger::get).sum();
    send(
        ex,
        200,
        JSON.createObjectNode()
            .put("requests", requestCount())
            .put("rate_limited", rateLimitedCount())
            .put("answered", answeredByHash.size())
            .put("answered_twice", answers - answeredByHash.size())
            .toString());
  }

  private void handleChat(HttpExchange ex) throws IOException {
    long arrived = System.nanoTime();
    firstRequestNanos.compareAndSet(0, arrived);
    peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    HeldSince left = new HeldSince(arrived);
    try (ex) {
      requests.incrementAndGet();
      if (!"POST".equals(ex.getRequestMethod())) {
        respond(ex, left, 405, error("method not allowed", "invalid_request_error", null));
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
        respond(ex, left, 400, error("body is not JSON", "invalid_request_error", null));
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
        respond(
            ex,
            left,
            400,
            error("model and a user message are required", "invalid_request_error", null));
        return;
      }
      String refusal = reasoningModelRefusal(body);
      if (refusal != null) {
        respond(ex, left, 400, refusal);
        return;
      }
      String hash = Hashes.sha256Hex(bodyText);
      int seen = seenByHash.computeIfAbsent(hash, h -> new AtomicInteger()).incrementAndGet();
      // As OpenAI's limiter charges a request before it runs; usage is counted otherwise.
      long cost =
          TokenEstimate.rateLimitCharge(system.length() + user.length(), maxOutputTokens(body));
      long waitMs = admit(cost);
      if (waitMs == 0) {
        admitted.incrementAndGet();
        chargedTokens.addAndGet(cost);
        lastAdmittedNanos.accumulateAndGet(arrived, Math::max);
        int second = (int) ((arrived - firstRequestNanos.get()) / 1_000_000_000L);
        admittedBySecond.computeIfAbsent(second, k -> new AtomicLong()).incrementAndGet();
      }
      addLimitHeaders(ex);
      if (waitMs > 0) {
        rateLimited.incrementAndGet();
        int second = (int) ((arrived - firstRequestNanos.get()) / 1_000_000_000L);
        refusedBySecond.computeIfAbsent(second, k -> new AtomicLong()).incrementAndGet();
        if (options.retryAfter()) {
          ex.getResponseHeaders().set("retry-after-ms", Long.toString(waitMs));
          ex.getResponseHeaders().set("retry-after", Long.toString((waitMs + 999) / 1000));
        }
        respond(
            ex,
            left,
            429,
            error(
                "Rate limit reached. Please try again in " + waitMs + "ms.",
                "requests",
                "rate_limit_exceeded"));
        return;
      }
      double roll;
      synchronized (faults) {
        roll = faults.nextDouble();
      }
      pause();
      if (roll < options.resetRate()) {
        droppedConnections.incrementAndGet();
        return; // closing the exchange without an answer: the client sees the connection end
      }
      if (roll < options.resetRate() + options.errorRate()) {
        injectedErrors.incrementAndGet();
        respond(
            ex,
            left,
            500,
            error("The server had an error while processing your request.", "server_error", null));
        return;
      }
      Matcher failOnce = FAIL_ONCE.matcher(user);
      if (failOnce.find() && seen == 1 && !STATUS.matcher(user).find()) {
        respond(
            ex,
            left,
            Integer.parseInt(failOnce.group(1)),
            error("simulated transient error", "server_error", null));
        return;
      }
      Reply reply = reply(system, user, body.get("model").asText(), hash, maxOutputTokens(body));
      if (reply.status() != 200) {
        respond(ex, left, reply.status(), reply.json());
        return;
      }
      answeredByHash.computeIfAbsent(hash, h -> new AtomicInteger()).incrementAndGet();
      respond(ex, left, 200, reply.json());
      lastAnswerNanos.set(System.nanoTime());
    } finally {
      leave(left); // also for dropped connections, which get no response
    }
  }

  /**
   * Answers and stops counting the request as in flight first: the client may send its next request
   * as soon as it has this answer, which must not look like one more in flight.
   */
  /** When a request arrived, and whether it has stopped counting as in flight. */
  private static final class HeldSince extends AtomicBoolean {
    final long arrived;

    HeldSince(long arrived) {
      this.arrived = arrived;
    }
  }

  private void respond(HttpExchange ex, HeldSince left, int status, String json)
      throws IOException {
    leave(left);
    send(ex, status, json);
  }

  private void leave(HeldSince left) {
    if (left.compareAndSet(false, true)) {
      inFlight.decrementAndGet();
      heldNanos.addAndGet(System.nanoTime() - left.arrived);
    }
  }

  /** Requests held on average while active (Little's law: time held / time active). */
  public double meanInFlight() {
    double active = activeSeconds();
    return active > 0 ? heldNanos.get() / 1e9 / active : 0;
  }

  /** The most requests this server held at once: what the client really had in flight. */
  public int peakInFlight() {
    return peakInFlight.get();
  }

  /** Seconds from the first request received to the last answer sent (0 before any answer). */
  public double activeSeconds() {
    long first = firstRequestNanos.get();
    long last = lastAnswerNanos.get();
    return first == 0 || last == 0 ? 0 : (last - first) / 1e9;
  }

  /** 429s answered in each second since the first request, up to the last second with one. */
  public long[] refusedBySecond() {
    return bySecond(refusedBySecond);
  }

  /**
   * Requests admitted in each second since the first request arrived: where a run lost pace (its
   * start, a cut after 429s, a worker that finished).
   */
  public long[] admittedBySecond() {
    return bySecond(admittedBySecond);
  }

  private static long[] bySecond(Map<Integer, AtomicLong> counted) {
    int last = counted.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
    long[] counts = new long[last + 1];
    counted.forEach((second, n) -> counts[second] = n.get());
    return counts;
  }

  /**
   * Requests admitted per second while the client was sending: from the first request received to
   * the last one admitted. What a limiter controls, without the last answers' latency.
   */
  public double admittedPerSecond() {
    long first = firstRequestNanos.get();
    long last = lastAdmittedNanos.get();
    return first == 0 || last <= first ? 0 : (admitted.get() - 1) / ((last - first) / 1e9);
  }

  /**
   * Takes one request and {@code cost} tokens from the account, or neither: returns 0 when
   * admitted, else the milliseconds until it would be (a refused request costs nothing here).
   */
  private long admit(long cost) {
    synchronized (requestLimit) {
      long requestWait = requestLimit.take(1);
      if (requestWait > 0) {
        return (requestWait + 999_999) / 1_000_000;
      }
      long tokenWait = tokenLimit.take(cost);
      if (tokenWait > 0) {
        requestLimit.giveBack(1);
        return (tokenWait + 999_999) / 1_000_000;
      }
      return 0;
    }
  }

  /**
   * `x-ratelimit-*` as OpenAI names them: the per-minute limit, what remains of it (the enforcing
   * window's remainder in per-minute units, so a client reading them as OpenAI documents them is
   * right) and how long until the window is whole again. Some Azure deployments and proxies in
   * front of vLLM send none ({@link Options#rateLimitHeaders()}).
   */
  private void addLimitHeaders(HttpExchange ex) {
    if (!options.rateLimitHeaders()) {
      return;
    }
    addLimitHeaders(ex, "requests", options.rpm(), requestLimit);
    addLimitHeaders(ex, "tokens", options.tpm(), tokenLimit);
  }

  private void addLimitHeaders(HttpExchange ex, String kind, long perMinute, WindowLimit limit) {
    if (limit.isUnlimited()) {
      return;
    }
    long remaining = limit.remaining() * 60 / options.windowSeconds();
    ex.getResponseHeaders().set("x-ratelimit-limit-" + kind, Long.toString(perMinute));
    ex.getResponseHeaders().set("x-ratelimit-remaining-" + kind, Long.toString(remaining));
    ex.getResponseHeaders()
        .set("x-ratelimit-reset-" + kind, (limit.resetNanos() + 999_999) / 1_000_000 + "ms");
  }

  private void pause() {
    int ms =
        latencyMs
            + (jitterMs > 0 ? ThreadLocalRandom.current().nextInt(-jitterMs, jitterMs + 1) : 0);
    if (options.capacity() > 0) {
      ms = (int) (ms * Math.max(1.0, inFlight.get() / (double) options.capacity()));
    }
    if (ms > 0) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** An HTTP status and JSON body: what the simulated teacher says to one chat request. */
  record Reply(int status, String json) {}

  /**
   * The answer to one chat request, markers honoured: `[[sim:status=N:code]]` an error,
   * `[[sim:reply=TEXT]]` that text, `[[sim:finish=R]]` that finish reason; otherwise the
   * deterministic simulated explanation. An answer longer than the request's token bound is cut
   * there and reports `length`, as a real model's does (a bound of 0 means none). Shared by the
   * online endpoint and the batch files.
   */
  static Reply reply(String system, String user, String model, String hash, long maxTokens) {
    // A judge's question quotes the row's question, markers and all: those were for the teacher.
    boolean judging = SimulatedAnswers.isJudgeRubric(system);
    Matcher status = (judging ? JUDGE_STATUS : STATUS).matcher(user);
    if (status.find()) {
      return new Reply(
          Integer.parseInt(status.group(1)),
          error("simulated error", "invalid_request_error", status.group(2)));
    }
    Matcher replyMarker = REPLY.matcher(user);
    Matcher finish = FINISH.matcher(judging ? "" : user);
    String answer =
        judging
            ? SimulatedAnswers.judgement(user)
            : replyMarker.find() ? replyMarker.group(1) : SimulatedAnswers.answer(system, user);
    ObjectNode out = JSON.createObjectNode();
    out.put("id", "chatcmpl-sim-" + hash.substring(0, 12));
    out.put("object", "chat.completion");
    out.put("created", System.currentTimeMillis() / 1000);
    out.put("model", model);
    ObjectNode choice = out.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message").put("role", "assistant");
    ReasoningShape shape = ReasoningShape.of(model);
    String thought = SimulatedAnswers.reasoning(user);
    long reasoning = shape == ReasoningShape.NONE ? 0 : SimulatedAnswers.tokens(thought);
    String finishReason = finish.find() ? finish.group(1) : "stop";
    if (maxTokens > 0 && reasoning + SimulatedAnswers.tokens(answer) > maxTokens) {
      answer = SimulatedAnswers.cut(answer, Math.max(0, maxTokens - reasoning));
      finishReason = "length";
    }
    switch (shape) {
      case FIELD -> message.put("content", answer).put("reasoning_content", thought);
      case THINK_TAGS -> message.put("content", "<think>\n" + thought + "\n</think>\n\n" + answer);
      default -> message.put("content", answer);
    }
    choice.put("finish_reason", finishReason);
    ObjectNode usage = out.putObject("usage");
    long prompt = SimulatedAnswers.tokens(system) + SimulatedAnswers.tokens(user);
    long completion = SimulatedAnswers.tokens(answer) + reasoning;
    usage
        .put("prompt_tokens", prompt)
        .put("completion_tokens", completion)
        .put("total_tokens", prompt + completion);
    if (shape == ReasoningShape.HIDDEN || shape == ReasoningShape.FIELD) {
      usage.putObject("completion_tokens_details").put("reasoning_tokens", reasoning);
    }
    return new Reply(200, out.toString());
  }

  /**
   * How the simulated model returns its reasoning, by its name: OpenAI's reasoning models keep it
   * hidden and report only its tokens; names with {@code r1} or {@code reasoner} (DeepSeek, vLLM
   * with a reasoning parser) send it as {@code reasoning_content}; names with {@code think} (Qwen3
   * thinking served raw) put it in the content inside {@code <think>…</think>}.
   */
  enum ReasoningShape {
    NONE,
    HIDDEN,
    FIELD,
    THINK_TAGS;

    static ReasoningShape of(String model) {
      String m = model.toLowerCase(java.util.Locale.ROOT);
      if (ChatRequest.isReasoningModel(m)) {
        return HIDDEN;
      }
      if (m.contains("r1") || m.contains("reasoner")) {
        return FIELD;
      }
      return m.contains("think") ? THINK_TAGS : NONE;
    }
  }

  /** The answer's token bound, under either name: reasoning models take max_completion_tokens. */
  static long maxOutputTokens(JsonNode body) {
    return body.has("max_completion_tokens")
        ? body.path("max_completion_tokens").asLong(0)
        : body.path("max_tokens").asLong(0);
  }

  /**
   * The 400 an OpenAI reasoning model (o-series, GPT-5) answers to a chat model's parameters, in
   * its words and codes; null when the request is one it takes.
   */
  static String reasoningModelRefusal(JsonNode body) {
    if (!ChatRequest.isReasoningModel(body.path("model").asText())) {
      return null;
    }
    if (body.has("max_tokens")) {
      return error(
          "Unsupported parameter: 'max_tokens' is not supported with this model. Use"
              + " 'max_completion_tokens' instead.",
          "invalid_request_error",
          "unsupported_parameter",
          "max_tokens");
    }
    for (String p : List.of("temperature", "top_p")) {
      if (body.has(p) && body.path(p).asDouble() != 1.0) {
        return error(
            "Unsupported value: '"
                + p
                + "' does not support "
                + body.path(p).asText()
                + " with this model. Only the default (1) value is supported.",
            "invalid_request_error",
            "unsupported_value",
            p);
      }
    }
    return null;
  }

  static String error(String message, String type, String code) {
    return error(message, type, code, null);
  }

  static String error(String message, String type, String code, String param) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode err = root.putObject("error");
    err.put("message", message).put("type", type);
    if (param != null) {
      err.put("param", param);
    }
    if (code == null) {
      err.putNull("code");
    } else {
      err.put("code", code);
    }
    return root.toString();
  }

  static void send(HttpExchange ex, int status, String json) throws IOException {
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
