package dev.orcaset.teacher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orcaset.model.ChatCompletion;
import dev.orcaset.model.ChatRequest;
import dev.orcaset.teacher.ErrorClassifier.ProviderError;
import dev.orcaset.teacher.TeacherException.Kind;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * {@link TeacherClient} for the OpenAI Chat Completions API and the servers that copy it (Azure
 * OpenAI, vLLM, Ollama, llama.cpp, TGI). Auth and retries live in the OkHttp interceptors this
 * client is built with (see {@link TeacherHttp}); this class only maps bodies and errors.
 */
public final class OpenAiChatClient implements TeacherClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType JSON_TYPE = MediaType.get("application/json");

  private final OkHttpClient http;
  private final HttpUrl endpoint;
  private final String apiKeyEnv;
  private final String apiKey;

  /**
   * @param baseUrl e.g. `https://api.openai.com/v1`; `/chat/completions` is appended to its path
   *     and its query (Azure's `api-version`) is kept
   * @param apiKey used only to redact it from error texts
   */
  public OpenAiChatClient(OkHttpClient http, String baseUrl, String apiKeyEnv, String apiKey) {
    this.http = http;
    this.endpoint =
        TeacherHttp.baseUrl(baseUrl).newBuilder().addPathSegments("chat/completions").build();
    this.apiKeyEnv = apiKeyEnv;
    this.apiKey = apiKey;
  }

  @Override
  public CompletableFuture<ChatCompletion> complete(ChatRequest request) {
    Request httpRequest =
        new Request.Builder()
            .url(endpoint)
            .post(RequestBody.create(request.toJson().toString(), JSON_TYPE))
            .tag(ChatRequest.class, request)
            .build();
    return AsyncAnswer.send(http, httpRequest, apiKey, this::read);
  }

  private ChatCompletion read(Response response, int attempts) throws IOException {
    ResponseBody body = response.body();
    String text = body == null ? "" : body.string();
    if (!response.isSuccessful()) {
      ProviderError error = ErrorClassifier.parse(text);
      Kind kind = ErrorClassifier.classify(response.code(), error);
      throw new TeacherException(
          kind,
          response.code(),
          error.code(),
          redact(describe(response.code(), kind, error)),
          attempts);
    }
    String type = response.header("Content-Type", "");
    JsonNode root =
        type.contains("event-stream")
            ? StreamedAnswer.assemble(text, attempts)
            : JSON.readTree(text);
    return completion(root, attempts);
  }

  /**
   * A Chat Completions response body as an answer, or the reason it is none (a content filter, a
   * refusal, a body without choices). Shared with the Batch API, whose output lines carry the same
   * bodies.
   */
  public static ChatCompletion completion(JsonNode root, int attempts) throws TeacherException {
    JsonNode choice = root.path("choices").path(0);
    if (choice.isMissingNode()) {
      throw new TeacherException(
          Kind.RETRYABLE,
          200,
          null,
          "the answer has no choices[0]: " + Redactor.abbreviate(root.toString()),
          attempts);
    }
    JsonNode message = choice.path("message");
    String finishReason = choice.path("finish_reason").asText(null);
    if ("content_filter".equals(finishReason)) {
      throw new TeacherException(
          Kind.PERMANENT,
          200,
          "content_filter",
          "the provider's content filter stopped the answer",
          attempts);
    }
    String refusal = message.path("refusal").asText(null);
    if (refusal != null && !refusal.isEmpty()) {
      throw new TeacherException(
          Kind.PERMANENT,
          200,
          "refusal",
          "the model refused: " + Redactor.abbreviate(refusal),
          attempts);
    }
    JsonNode usage = root.path("usage");
    return new ChatCompletion(
        message.path("content").asText(""),
        finishReason,
        usage.path("prompt_tokens").asLong(0),
        usage.path("completion_tokens").asLong(0),
        root.path("model").asText(null),
        attempts,
        reasoningOf(message),
        usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0));
  }

  /**
   * The reasoning a message (or a stream's delta) carries beside its content, null for none:
   * DeepSeek and vLLM's reasoning parsers say reasoning_content, OpenRouter and newer vLLM
   * reasoning.
   */
  static String reasoningOf(JsonNode message) {
    JsonNode r =
        message.hasNonNull("reasoning_content")
            ? message.get("reasoning_content")
            : message.path("reasoning");
    return r.isTextual() ? r.asText() : null;
  }

  private String describe(int status, Kind kind, ProviderError error) {
    String code = error.code() == null ? "" : " (" + error.code() + ")";
    String base = "HTTP " + status + code + " from " + endpoint.host() + ": " + error.message();
    if (kind != Kind.FATAL) {
      return base;
    }
    if (status == 401 || status == 403) {
      return base + Redactor.checkKeyHint(apiKeyEnv, apiKey) + " and its access to this model";
    }
    if (status == 404) {
      return base
          + " — check teacher.model and teacher.base_url (the endpoint was "
          + endpoint
          + ")";
    }
    return base + " — the account's quota or spend limit is used up; raise it, then resume";
  }

  private String redact(String s) {
    return Redactor.redact(s, apiKey);
  }
}
