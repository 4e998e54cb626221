package dev.orcaset.teacher.batch;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orcaset.teacher.AnthropicMessages;
import dev.orcaset.teacher.TeacherException;
import dev.orcaset.teacher.TeacherHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * Anthropic's Message Batches: the requests go up inline (`POST /v1/messages/batches`, each
 * `{custom_id, params}`), the batch is polled until `processing_status` is `ended`, then its
 * `results_url` is streamed as JSONL, one `succeeded|errored|canceled|expired` result per request.
 * Anthropic does not name a final state for the whole batch; it is `expired` or `cancelled` here
 * when any request ended so, which makes the runner resubmit just those.
 */
public final class AnthropicBatchApi implements BatchApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType JSON_TYPE = MediaType.get("application/json");

  private final BatchHttp http;
  private final HttpUrl base;

  public AnthropicBatchApi(OkHttpClient client, String baseUrl, String apiKeyEnv, String apiKey) {
    this.http = new BatchHttp(client, apiKeyEnv, apiKey);
    this.base = TeacherHttp.baseUrl(baseUrl);
  }

  @Override
  public String provider() {
    return "anthropic";
  }

  private static ObjectNode request(BatchItem item) {
    ObjectNode r = JSON.createObjectNode().put("custom_id", item.customId());
    r.set("params", item.request().toAnthropicJson());
    return r;
  }

  @Override
  public long calls() {
    return http.calls();
  }

  @Override
  public long sizeOf(BatchItem item) {
    return request(item).toString().getBytes(StandardCharsets.UTF_8).length + 1;
  }

  @Override
  public BatchStatus submit(List<BatchItem> items, Map<String, String> metadata)
      throws IOException {
    // Written to a temporary file and streamed from it: a 256 MB body is never one string.
    Path file = Files.createTempFile("orcaset-batch-", ".json");
    try {
      try (JsonGenerator g = JSON.getFactory().createGenerator(file.toFile(), JsonEncoding.UTF8)) {
        g.writeStartObject();
        g.writeArrayFieldStart("requests");
        for (BatchItem i : items) {
          g.writeTree(request(i));
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      return status(
          http.json(
              call("messages/batches").post(RequestBody.create(file.toFile(), JSON_TYPE)).build()));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Override
  public BatchStatus get(String batchId) throws IOException {
    return status(http.json(call("messages/batches/" + batchId).get().build()));
  }

  @Override
  public BatchStatus cancel(String batchId) throws IOException {
    return status(
        http.json(
            call("messages/batches/" + batchId + "/cancel")
                .post(RequestBody.create("", JSON_TYPE))
                .build()));
  }

  @Override
  public void results(BatchStatus batch, Consumer<BatchResult> sink) throws IOException {
    if (batch.resultsUrl() == null) {
      return;
    }
    HttpUrl url = HttpUrl.parse(batch.resultsUrl());
    if (url == null) {
      throw new IOException("the batch's results_url is not a URL: " + batch.resultsUrl());
    }
    http.results(
        new Request.Builder()
            .url(url)
            .header("anthropic-version", AnthropicMessages.VERSION)
            .get()
            .build(),
        AnthropicBatchApi::result,
        sink);
  }

  /** One results line; null for `canceled` and `expired`, which the runner resubmits. */
  static BatchResult result(String line) {
    JsonNode root;
    try {
      root = JSON.readTree(line);
    } catch (IOException e) {
      return null;
    }
    String id = root.path("custom_id").asText(null);
    JsonNode result = root.path("result");
    if (id == null) {
      return null;
    }
    switch (result.path("type").asText()) {
      case "succeeded" -> {
        try {
          return BatchResult.answered(id, AnthropicMessages.completion(result.path("message"), 1));
        } catch (TeacherException e) {
          return BatchResult.failed(id, e);
        }
      }
      case "errored" -> {
        JsonNode error = result.path("error").path("error");
        String type = error.path("type").asText("error");
        // invalid_request_error will fail again; api_error and overloaded_error may not.
        TeacherException.Kind kind =
            "invalid_request_error".equals(type)
                ? TeacherException.Kind.PERMANENT
                : TeacherException.Kind.RETRYABLE;
        return BatchResult.failed(
            id,
            new TeacherException(
                kind, 0, type, "batch result errored: " + error.path("message").asText(type), 1));
      }
      default -> {
        return null; // canceled, expired
      }
    }
  }

  static BatchStatus status(JsonNode b) {
    String processing = b.path("processing_status").asText("");
    JsonNode c = b.path("request_counts");
    long expired = c.path("expired").asLong();
    long canceled = c.path("canceled").asLong();
    BatchStatus.State state =
        switch (processing) {
          case "ended" ->
              canceled > 0
                  ? BatchStatus.State.CANCELLED
                  : expired > 0 ? BatchStatus.State.EXPIRED : BatchStatus.State.COMPLETED;
          case "canceling" -> BatchStatus.State.CANCELLING;
          default -> BatchStatus.State.IN_PROGRESS;
        };
    String shown = "ended".equals(processing) ? state.name().toLowerCase() : processing;
    long done = c.path("succeeded").asLong() + c.path("errored").asLong() + expired + canceled;
    return new BatchStatus(
        b.path("id").asText(),
        state,
        shown,
        done + c.path("processing").asLong(),
        c.path("succeeded").asLong(),
        c.path("errored").asLong(),
        "",
        null,
        null,
        b.path("results_url").isNull() ? null : b.path("results_url").asText(null));
  }

  private Request.Builder call(String path) {
    return new Request.Builder()
        .url(base.newBuilder().addPathSegments(path).build())
        .header("anthropic-version", AnthropicMessages.VERSION);
  }
}
