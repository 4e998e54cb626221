package dev.orcaset.teacher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orcaset.model.ChatCompletion;
import dev.orcaset.teacher.TeacherException.Kind;

/**
 * Anthropic's Messages API answers, as the rest of orcaset sees answers: the text blocks joined,
 * `stop_reason` mapped to the OpenAI `finish_reason` vocabulary (`end_turn` and `stop_sequence` to
 * `stop`, `max_tokens` to `length`), `usage.input_tokens`/`output_tokens` as prompt and completion
 * tokens. Shared by the online client and Message Batches.
 */
public final class AnthropicMessages {
  /** The API version every request names in `anthropic-version`. */
  public static final String VERSION = "2023-06-01";

  private AnthropicMessages() {}

  public static ChatCompletion completion(JsonNode message, int attempts) throws TeacherException {
    if (!message.path("content").isArray()) {
      throw new TeacherException(
          Kind.RETRYABLE,
          200,
          null,
          "the answer has no content: " + Redactor.abbreviate(message.toString()),
          attempts);
    }
    String stop = message.path("stop_reason").asText(null);
    if ("refusal".equals(stop)) {
      throw new TeacherException(
          Kind.PERMANENT, 200, "refusal", "the model refused (stop_reason refusal)", attempts);
    }
    StringBuilder text = new StringBuilder();
    StringBuilder thinking = null; // extended thinking's blocks, when the request enabled it
    for (JsonNode block : message.path("content")) {
      if ("text".equals(block.path("type").asText())) {
        text.append(block.path("text").asText());
      } else if ("thinking".equals(block.path("type").asText())) {
        thinking = thinking == null ? new StringBuilder() : thinking;
        thinking.append(block.path("thinking").asText());
      }
    }
    JsonNode usage = message.path("usage");
    return new ChatCompletion(
        text.toString(),
        finishReason(stop),
        usage.path("input_tokens").asLong(0),
        usage.path("output_tokens").asLong(0),
        message.path("model").asText(null),
        attempts,
        thinking == null ? null : thinking.toString(),
        0);
  }

  static String finishReason(String stopReason) {
    if (stopReason == null) {
      return null;
    }
    return switch (stopReason) {
      case "end_turn", "stop_sequence" -> "stop";
      case "max_tokens" -> "length";
      default -> stopReason;
    };
  }
}
