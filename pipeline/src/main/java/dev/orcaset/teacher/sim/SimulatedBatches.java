package dev.orcaset.teacher.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.orcaset.cost.TokenEstimate;
import dev.orcaset.model.Hashes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulated teacher's OpenAI Batch API: `POST /v1/files` (multipart, purpose `batch`), `POST
 * /v1/batches`, `GET /v1/batches/{id}`, `POST /v1/batches/{id}/cancel`, `GET
 * /v1/files/{id}/content`. A batch is `validating` at creation, `in_progress` while polled, and
 * `completed` on the {@code pollsToComplete}-th poll. Output lines come back in reverse order (the
 * API promises no order); markers in a request make its line a 500 (`[[sim:status=500]]`), an
 * error-file line (`[[sim:batch-line-error]]`), or fail the whole batch's validation
 * (`[[sim:batch-invalid]]`). {@link #expireNext} makes the next batches expire with half their
 * lines answered. {@link #enqueuedTokenLimit} models OpenAI's limit on tokens queued per model: a
 * batch that would take the running batches past it fails at once with `token_limit_exceeded`,
 * before any request runs (and is not counted as a submission).
 */
public final class SimulatedBatches {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> files = new ConcurrentHashMap<>();
  private final Map<String, Batch> batches = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> submissionsByCustomId = new ConcurrentHashMap<>();
  private final AtomicLong calls = new AtomicLong();
  private final AtomicInteger expireNext = new AtomicInteger();
  private final AtomicInteger ids = new AtomicInteger();
  private volatile int pollsToComplete = 2;
  private long enqueuedTokenLimit;
  private long enqueued;
  private long peakEnqueued;
  private int refusedForQueue;

  private static final class Batch {
    final String id;
    final String inputFileId;
    final JsonNode metadata;
    final boolean expire;
    final List<JsonNode> lines;
    long tokens;
    int polls;
    String status = "validating";
    String outputFileId;
    String errorFileId;
    String errors;
    long completed;
    long failed;

    Batch(String id, String inputFileId, JsonNode metadata, boolean expire, List<JsonNode> lines) {
      this.id = id;
      this.inputFileId = inputFileId;
      this.metadata = metadata;
      this.expire = expire;
      this.lines = lines;
    }
  }

  /** The next {@code n} batches created expire, half of their requests answered. */
  public void expireNext(int n) {
    expireNext.set(n);
  }

  public void pollsToComplete(int n) {
    pollsToComplete = n;
  }

  /** The most tokens running batches may hold (0: no limit), as OpenAI counts them. */
  public synchronized void enqueuedTokenLimit(long tokens) {
    enqueuedTokenLimit = tokens;
  }

  /** The most tokens running batches held at once. */
  public synchronized long peakEnqueuedTokens() {
    return peakEnqueued;
  }

  /** Batches refused for the enqueued-token limit. */
  public synchronized int refusedForQueue() {
    return refusedForQueue;
  }

  /** HTTP calls made to the batch endpoints. */
  public long calls() {
    return calls.get();
  }

  public int batchesCreated() {
    return batches.size();
  }

  /**
   * How many batches each custom_id was submitted in: 1 everywhere means nothing was paid twice.
   */
  public Map<String, Integer> submissionsByCustomId() {
    Map<String, Integer> out = new TreeMap<>();
    submissionsByCustomId.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  void handleFiles(HttpExchange ex) throws IOException {
    calls.incrementAndGet();
    String path = ex.getRequestURI().getPath();
    if ("POST".equals(ex.getRequestMethod()) && path.equals("/v1/files")) {
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readAllBytes();
      }
      Map<String, String> parts = multipart(ex.getRequestHeaders().getFirst("Content-Type"), body);
      if (!"batch".equals(parts.get("purpose")) || parts.get("file") == null) {
        SimulatedTeacher.send(
            ex,
            400,
            SimulatedTeacher.error("need purpose=batch and a file", "invalid_request_error", null));
        return;
      }
      String id = "file-sim-" + ids.incrementAndGet();
      files.put(id, parts.get("file"));
      SimulatedTeacher.send(
          ex,
          200,
          JSON.createObjectNode()
              .put("id", id)
              .put("object", "file")
              .put("bytes", parts.get("file").length())
              .put("purpose", "batch")
              .toString());
      return;
    }
    if ("GET".equals(ex.getRequestMethod()) && path.matches("/v1/files/[^/]+/content")) {
      String id = path.split("/")[3];
      String content = files.get(id);
      if (content == null) {
        SimulatedTeacher.send(
            ex, 404, SimulatedTeacher.error("no such file " + id, "invalid_request_error", null));
        return;
      }
      byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/jsonl");
      ex.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
      return;
    }
    SimulatedTeacher.send(
        ex, 404, SimulatedTeacher.error("no route " + path, "invalid_request_error", null));
  }

  void handleBatches(HttpExchange ex) throws IOException {
    calls.incrementAndGet();
    String path = ex.getRequestURI().getPath();
    String method = ex.getRequestMethod();
    if ("POST".equals(method) && path.equals("/v1/batches")) {
      JsonNode req;
      try (InputStream in = ex.getRequestBody()) {
        req = JSON.readTree(in);
      }
      String fileId = req.path("input_file_id").asText();
      String content = files.get(fileId);
      if (content == null) {
        SimulatedTeacher.send(
            ex,
            400,
            SimulatedTeacher.error(
                "unknown input_file_id " + fileId, "invalid_request_error", null));
        return;
      }
      List<JsonNode> lines = new ArrayList<>();
      long tokens = 0;
      for (String line : content.split("\n")) {
        if (!line.isBlank()) {
          JsonNode l = JSON.readTree(line);
          lines.add(l);
          tokens += charge(l.path("body"));
        }
      }
      boolean expire = expireNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
      Batch b =
          new Batch(
              "batch_sim_" + ids.incrementAndGet(), fileId, req.path("metadata"), expire, lines);
      b.tokens = tokens;
      if (!enqueue(b)) {
        b.status = "failed";
        b.errors = "token_limit_exceeded";
      } else {
        for (JsonNode l : lines) {
          submissionsByCustomId
              .computeIfAbsent(l.path("custom_id").asText(), k -> new AtomicInteger())
              .incrementAndGet();
        }
      }
      batches.put(b.id, b);
      SimulatedTeacher.send(ex, 200, describe(b).toString());
      return;
    }
    String[] seg = path.split("/");
    Batch b = seg.length >= 4 ? batches.get(seg[3]) : null;
    if (b == null) {
      SimulatedTeacher.send(
          ex, 404, SimulatedTeacher.error("no such batch", "invalid_request_error", null));
      return;
    }
    synchronized (b) {
      if ("POST".equals(method) && path.endsWith("/cancel")) {
        if (!isFinal(b.status)) {
          finish(b, "cancelled", b.lines.size() / 2);
        }
      } else if ("GET".equals(method)) {
        advance(b);
      }
      SimulatedTeacher.send(ex, 200, describe(b).toString());
    }
  }

  private void advance(Batch b) {
    if (isFinal(b.status)) {
      return;
    }
    b.polls++;
    if (b.lines.stream().anyMatch(l -> l.toString().contains("[[sim:batch-invalid]]"))) {
      release(b);
      b.status = "failed";
      for (int i = 0; i < b.lines.size(); i++) {
        if (b.lines.get(i).toString().contains("[[sim:batch-invalid]]")) {
          b.errors = (b.errors == null ? "" : b.errors + "\n") + (i + 1);
        }
      }
      return;
    }
    if (b.polls < pollsToComplete) {
      b.status = "in_progress";
      return;
    }
    if (b.expire) {
      finish(b, "expired", b.lines.size() / 2);
    } else {
      finish(b, "completed", b.lines.size());
    }
  }

  /**
   * Runs the first {@code answered} requests; the rest carry the batch's fate in the error file.
   */
  private void finish(Batch b, String status, int answered) {
    release(b);
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    List<String> outLines = new ArrayList<>();
    for (int i = 0; i < b.lines.size(); i++) {
      JsonNode line = b.lines.get(i);
      String customId = line.path("custom_id").asText();
      ObjectNode result =
          JSON.createObjectNode().put("id", "batch_req_" + i).put("custom_id", customId);
      if (i >= answered) {
        result.putNull("response");
        result
            .putObject("error")
            .put("code", "batch_" + status)
            .put("message", "This request could not be executed before the batch " + status + ".");
        err.append(result).append('\n');
        continue;
      }
      JsonNode body = line.path("body");
      if (body.toString().contains("[[sim:batch-line-error]]")) {
        result.putNull("response");
        result
            .putObject("error")
            .put("code", "invalid_request")
            .put("message", "simulated per-line error");
        err.append(result).append('\n');
        b.failed++;
        continue;
      }
      String system = "";
      String user = "";
      for (JsonNode m : body.path("messages")) {
        if ("system".equals(m.path("role").asText())) {
          system = m.path("content").asText();
        } else if ("user".equals(m.path("role").asText())) {
          user = m.path("content").asText();
        }
      }
      SimulatedTeacher.Reply reply =
          SimulatedTeacher.reply(
              system,
              user,
              body.path("model").asText(),
              Hashes.sha256Hex(body.toString()),
              SimulatedTeacher.maxOutputTokens(body));
      ObjectNode response = result.putObject("response");
      response.put("status_code", reply.status()).put("request_id", "req_sim_" + i);
      try {
        response.set("body", JSON.readTree(reply.json()));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      result.putNull("error");
      outLines.add(result.toString());
      if (reply.status() == 200) {
        b.completed++;
      } else {
        b.failed++;
      }
    }
    Collections.reverse(outLines); // the API promises no order
    outLines.forEach(l -> out.append(l).append('\n'));
    if (out.length() > 0) {
      b.outputFileId = "file-sim-" + ids.incrementAndGet();
      files.put(b.outputFileId, out.toString());
    }
    if (err.length() > 0) {
      b.errorFileId = "file-sim-" + ids.incrementAndGet();
      files.put(b.errorFileId, err.toString());
    }
    b.status = status;
  }

  /** Admits a batch to the queue, or says the limit refuses it. */
  private synchronized boolean enqueue(Batch b) {
    if (enqueuedTokenLimit > 0 && enqueued + b.tokens > enqueuedTokenLimit) {
      refusedForQueue++;
      return false;
    }
    enqueued += b.tokens;
    peakEnqueued = Math.max(peakEnqueued, enqueued);
    return true;
  }

  private synchronized void release(Batch b) {
    enqueued -= b.tokens;
    b.tokens = 0;
  }

  private static long charge(JsonNode body) {
    long chars = 0;
    for (JsonNode m : body.path("messages")) {
      chars += m.path("content").asText().length();
    }
    return TokenEstimate.rateLimitCharge(chars, SimulatedTeacher.maxOutputTokens(body));
  }

  private static boolean isFinal(String status) {
    return List.of("completed", "failed", "expired", "cancelled").contains(status);
  }

  private static ObjectNode describe(Batch b) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", b.id)
        .put("object", "batch")
        .put("endpoint", "/v1/chat/completions")
        .put("input_file_id", b.inputFileId)
        .put("completion_window", "24h")
        .put("status", b.status);
    o.put("output_file_id", b.outputFileId);
    o.put("error_file_id", b.errorFileId);
    if ("token_limit_exceeded".equals(b.errors)) {
      o.putObject("errors")
          .put("object", "list")
          .putArray("data")
          .addObject()
          .put("code", "token_limit_exceeded")
          .put(
              "message",
              "Enqueued token limit reached for "
                  + b.lines.get(0).path("body").path("model").asText()
                  + ". Please try again once some in_progress batches have been completed.")
          .putNull("line");
    } else if (b.errors != null) {
      ArrayNode data = o.putObject("errors").put("object", "list").putArray("data");
      for (String line : b.errors.split("\n")) {
        data.addObject()
            .put("code", "invalid_request")
            .put("message", "simulated validation error")
            .put("param", "body")
            .put("line", Integer.parseInt(line));
      }
    } else {
      o.putNull("errors");
    }
    o.putObject("request_counts")
        .put("total", b.lines.size())
        .put("completed", b.completed)
        .put("failed", b.failed);
    o.set("metadata", b.metadata);
    return o;
  }

  /** The text parts of a multipart/form-data body, by name. */
  static Map<String, String> multipart(String contentType, byte[] body) {
    Map<String, String> parts = new HashMap<>();
    if (contentType == null || !contentType.contains("boundary=")) {
      return parts;
    }
    String boundary =
        "--" + contentType.substring(contentType.indexOf("boundary=") + 9).replace("\"", "").trim();
    String text = new String(body, StandardCharsets.UTF_8);
    for (String part : text.split(Pattern.quote(boundary))) {
      int headersEnd = part.indexOf("\r\n\r\n");
      if (headersEnd < 0) {
        continue;
      }
      String headers = part.substring(0, headersEnd);
      Matcher name = Pattern.compile("name=\"([^\"]+)\"").matcher(headers);
      if (name.find()) {
        String content = part.substring(headersEnd + 4);
        parts.put(
            name.group(1),
            content.endsWith("\r\n") ? content.substring(0, content.length() - 2) : content);
      }
    }
    return parts;
  }
}
