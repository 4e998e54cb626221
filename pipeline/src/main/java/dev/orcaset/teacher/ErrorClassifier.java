package dev.orcaset.teacher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orcaset.teacher.TeacherException.Kind;
import java.util.Set;

/**
 * Maps an HTTP error answer to a {@link Kind}, reading the OpenAI error body {@code {"error":
 * {"message", "type", "code"}}} that compatible servers also send.
 */
public final class ErrorClassifier {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** 429 codes that mean money, not speed: waiting does not help, so they are never retried. */
  private static final Set<String> QUOTA_CODES =
      Set.of(
          "insufficient_quota",
          "billing_hard_limit_reached",
          "credit_balance_exhausted",
          "organization_spend_limit_exceeded",
          "project_spend_limit_exceeded",
          "enforced_spend_limit_reached");

  private ErrorClassifier() {}

  /** The provider's error, parsed leniently: servers that send plain text keep their text. */
  public record ProviderError(String code, String type, String message) {}

  public static ProviderError parse(String body) {
    if (body == null || body.isBlank()) {
      return new ProviderError(null, null, "(empty body)");
    }
    try {
      JsonNode root = JSON.readTree(body);
      JsonNode err = root.path("error");
      if (err.isObject()) {
        return new ProviderError(
            text(err.get("code")), text(err.get("type")), err.path("message").asText(body));
      }
      if (err.isTextual()) {
        return new ProviderError(null, null, err.asText()); // vLLM/TGI style {"error": "..."}
      }
      if (root.has("message")) {
        return new ProviderError(null, null, root.get("message").asText());
      }
    } catch (Exception notJson) {
      // fall through: keep the raw text
    }
    return new ProviderError(null, null, body.length() > 500 ? body.substring(0, 500) + "…" : body);
  }

  public static Kind classify(int status, ProviderError error) {
    if (status == 401 || status == 403 || status == 404) {
      return Kind.FATAL;
    }
    if (status == 429) {
      return isQuota(error) ? Kind.FATAL : Kind.RETRYABLE;
    }
    if (status == 408 || status == 409 || status >= 500) {
      return Kind.RETRYABLE;
    }
    return Kind.PERMANENT;
  }

  static boolean isQuota(ProviderError error) {
    return (error.code() != null && QUOTA_CODES.contains(error.code()))
        || (error.type() != null && QUOTA_CODES.contains(error.type()));
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }
}
