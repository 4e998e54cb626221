package dev.orcaset.teacher;

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

/**
 * {@link TeacherClient} for Anthropic's Messages API (`POST /v1/messages`). The key travels in
 * `x-api-key` (see {@link AuthInterceptor}); rate limits, retries and error classes are the same
 * OkHttp layers as for OpenAI ({@link RateLimitInterceptor} reads `anthropic-ratelimit-*`).
 */
public final class AnthropicMessagesClient implements TeacherClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType JSON_TYPE = MediaType.get("application/json");

  private final OkHttpClient http;
  private final HttpUrl endpoint;
  private final String apiKeyEnv;
  private final String apiKey;

  /**
   * @param baseUrl e.g. `https://api.anthropic.com/v1`; `/messages` is appended
   */
  public AnthropicMessagesClient(
      OkHttpClient http, String baseUrl, String apiKeyEnv, String apiKey) {
    this.http = http;
    this.endpoint = TeacherHttp.baseUrl(baseUrl).newBuilder().addPathSegments("messages").build();
    this.apiKeyEnv = apiKeyEnv;
    this.apiKey = apiKey;
  }

  @Override
  public CompletableFuture<ChatCompletion> complete(ChatRequest request) {
    Request httpRequest =
        new Request.Builder()
            .url(endpoint)
            .header("anthropic-version", AnthropicMessages.VERSION)
            .post(RequestBody.create(request.toAnthropicJson().toString(), JSON_TYPE))
            .tag(ChatRequest.class, request)
            .build();
    return AsyncAnswer.send(http, httpRequest, apiKey, this::read);
  }

  private ChatCompletion read(Response response, int attempts) throws IOException {
    String text = response.body() == null ? "" : response.body().string();
    if (!response.isSuccessful()) {
      ProviderError error = ErrorClassifier.parse(text);
      Kind kind = ErrorClassifier.classify(response.code(), error);
      throw new TeacherException(
          kind,
          response.code(),
          error.type(),
          Redactor.redact(describe(response.code(), kind, error), apiKey),
          attempts);
    }
    return AnthropicMessages.completion(JSON.readTree(text), attempts);
  }

  private String describe(int status, Kind kind, ProviderError error) {
    String base =
        "HTTP "
            + status
            + (error.type() == null ? "" : " (" + error.type() + ")")
            + " from "
            + endpoint.host()
            + ": "
            + error.message();
    if (kind == Kind.FATAL && (status == 401 || status == 403)) {
      return base + Redactor.checkKeyHint(apiKeyEnv, apiKey) + " and its access to this model";
    }
    if (kind == Kind.FATAL && status == 404) {
      return base
          + " — check teacher.model and teacher.base_url (the endpoint was "
          + endpoint
          + ")";
    }
    return base;
  }
}
