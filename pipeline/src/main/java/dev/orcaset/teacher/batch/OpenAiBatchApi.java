package dev.orcaset.teacher.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orcaset.teacher.ErrorClassifier;
import dev.orcaset.teacher.OpenAiChatClient;
import dev.orcaset.teacher.TeacherException;
import dev.orcaset.teacher.TeacherHttp;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * OpenAI's Batch API (also served by Azure OpenAI and several compatible hosts): the requests go up
 * as a JSONL file (`POST /files`, purpose `batch`), a batch is created on it (`POST /batches`),
 * polled (`GET /batches/{id}`), and its output and error files are read back (`GET
 * /files/{id}/content`), each line joined to its request by `custom_id`.
 */
public final class OpenAiBatchApi implements BatchApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType JSONL = MediaType.get("application/jsonl");
  private static final MediaType JSON_TYPE = MediaType.get("application/json");

  private final BatchHttp http;
  private final HttpUrl base;
  private final String completionWindow;

  /**
   * @param baseUrl the teacher's base URL, e.g. `https://api.openai.com/v1`
   */
  public OpenAiBatchApi(
      OkHttpClient client,
      String baseUrl,
      String apiKeyEnv,
      String apiKey,
      String completionWindow) {
    this.http = new BatchHttp(client, apiKeyEnv, apiKey);
    this.base = TeacherHttp.baseUrl(baseUrl);
    this.completionWindow = completionWindow;
  }

  @Override
  public String provider() {
    return "openai";
  }

  /**
   * The endpoint each line names, e.g. `/v1/chat/completions`: the base URL's path plus the route.
   */
  String endpoint() {
    return base.newBuilder().addPathSegments("chat/completions").build().encodedPath();
  }

  String line(BatchItem item) {
    ObjectNode line = JSON.createObjectNode();
    line.put("custom_id", item.customId()).put("method", "POST").put("url", endpoint());
    line.set("body", item.request().toJson());
    return line.toString();
  }

  @Override
  public long calls() {
    return http.calls();
  }

  @Override
  public long sizeOf(BatchItem item) {
    return line(item).getBytes(StandardCharsets.UTF_8).length + 1;
  }

  @Override
  public BatchStatus submit(List<BatchItem> items, Map<String, String> metadata)
      throws IOException {
    // Written to a temporary file and streamed from it: a 200 MB file is never one string.
    Path file = Files.createTempFile("orcaset-batch-", ".jsonl");
    JsonNode uploaded;
    try {
      try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        for (BatchItem i : items) {
          w.write(line(i));
          w.write('\n');
        }
      }
      RequestBody upload =
          new MultipartBody.Builder()
              .setType(MultipartBody.FORM)
              .addFormDataPart("purpose", "batch")
              .addFormDataPart(
                  "file",
                  "orcaset-" + items.get(0).customId().substring(0, 12) + ".jsonl",
                  RequestBody.create(file.toFile(), JSONL))
              .build();
      uploaded = http.json(new Request.Builder().url(url("files")).post(upload).build());
    } finally {
      Files.deleteIfExists(file);
    }
    ObjectNode create = JSON.createObjectNode();
    create
        .put("input_file_id", uploaded.path("id").asText())
        .put("endpoint", endpoint())
        .put("completion_window", completionWindow);
    ObjectNode meta = create.putObject("metadata");
    metadata.forEach(meta::put);
    return status(
        http.json(
            new Request.Builder()
                .url(url("batches"))
                .post(RequestBody.create(create.toString(), JSON_TYPE))
                .build()));
  }

  @Override
  public BatchStatus get(String batchId) throws IOException {
    return status(http.json(new Request.Builder().url(url("batches/" + batchId)).get().build()));
  }

  @Override
  public BatchStatus cancel(String batchId) throws IOException {
    return status(
        http.json(
            new Request.Builder()
                .url(url("batches/" + batchId + "/cancel"))
                .post(RequestBody.create("", JSON_TYPE))
                .build()));
  }

  @Override
  public void results(BatchStatus batch, Consumer<BatchResult> sink) throws IOException {
    for (String file : new String[] {batch.outputFileId(), batch.errorFileId()}) {
      if (file != null && !file.isEmpty()) {
        http.results(
            new Request.Builder().url(url("files/" + file + "/content")).get().build(),
            OpenAiBatchApi::result,
            sink);
      }
    }
  }

  /**
   * One output or error line as a result; null for a line that only says the batch expired or was
   * cancelled before the request ran (the runner resubmits those).
   */
  static BatchResult result(String line) {
    JsonNode root;
    try {
      root = JSON.readTree(line);
    } catch (IOException e) {
      return null; // not a line we can join to a request; the request counts as unanswered
    }
    String id = root.path("custom_id").asText(null);
    if (id == null) {
      return null;
    }
    JsonNode error = root.path("error");
    if (error.isObject()) {
      String code = error.path("code").asText(null);
      if ("batch_expired".equals(code) || "batch_cancelled".equals(code)) {
        return null;
      }
      return BatchResult.failed(
          id,
          new TeacherException(
              TeacherException.Kind.PERMANENT,
              0,
              code,
              "batch line error: " + error.path("message").asText(code),
              1));
    }
    JsonNode response = root.path("response");
    int status = response.path("status_code").asInt(0);
    if (status == 200) {
      try {
        return BatchResult.answered(id, OpenAiChatClient.completion(response.path("body"), 1));
      } catch (TeacherException e) {
        return BatchResult.failed(id, e);
      }
    }
    ErrorClassifier.ProviderError e = ErrorClassifier.parse(response.path("body").toString());
    TeacherException.Kind kind = ErrorClassifier.classify(status, e);
    return BatchResult.failed(
        id,
        new TeacherException(
            kind == TeacherException.Kind.FATAL ? TeacherException.Kind.PERMANENT : kind,
            status,
            e.code(),
            "HTTP " + status + " in batch line: " + e.message(),
            1));
  }

  static BatchStatus status(JsonNode b) {
    String s = b.path("status").asText("");
    BatchStatus.State state =
        switch (s) {
          case "completed" -> BatchStatus.State.COMPLETED;
          case "failed" -> BatchStatus.State.FAILED;
          case "expired" -> BatchStatus.State.EXPIRED;
          case "cancelled" -> BatchStatus.State.CANCELLED;
          case "cancelling" -> BatchStatus.State.CANCELLING;
          default -> BatchStatus.State.IN_PROGRESS; // validating, in_progress, finalizing
        };
    List<String> errors = new ArrayList<>();
    for (JsonNode e : b.path("errors").path("data")) {
      errors.add(
          (e.hasNonNull("line") ? "line " + e.get("line").asText() + ": " : "")
              + e.path("code").asText("")
              + " "
              + e.path("message").asText(""));
    }
    JsonNode counts = b.path("request_counts");
    return new BatchStatus(
        b.path("id").asText(),
        state,
        s,
        counts.path("total").asLong(),
        counts.path("completed").asLong(),
        counts.path("failed").asLong(),
        String.join("; ", errors),
        b.path("output_file_id").asText(null),
        b.path("error_file_id").asText(null),
        null);
  }

  private HttpUrl url(String path) {
    return base.newBuilder().addPathSegments(path).build();
  }
}
