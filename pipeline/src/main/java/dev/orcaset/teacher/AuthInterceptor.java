package dev.orcaset.teacher;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Adds the API key: `Authorization: Bearer KEY` (OpenAI and most compatible servers), `api-key:
 * KEY` (Azure OpenAI) or `x-api-key: KEY` (Anthropic). With no key (local vLLM, Ollama, llama.cpp)
 * it adds nothing.
 */
public final class AuthInterceptor implements Interceptor {
  private final String header;
  private final String value;

  private AuthInterceptor(String header, String value) {
    this.header = header;
    this.value = value;
  }

  /** {@code style} is `bearer`, `api-key`, `x-api-key` or `none`; {@code key} may be null. */
  public static AuthInterceptor of(String style, String key) {
    if (key == null || key.isBlank() || "none".equals(style)) {
      return new AuthInterceptor(null, null);
    }
    return switch (style) {
      case "api-key", "x-api-key" -> new AuthInterceptor(style, key);
      default -> new AuthInterceptor("Authorization", "Bearer " + key);
    };
  }

  /** The header this interceptor sets, for logging interceptors that must redact it. */
  public String headerName() {
    return header;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    if (header == null) {
      return chain.proceed(chain.request());
    }
    return chain.proceed(chain.request().newBuilder().header(header, value).build());
  }
}
