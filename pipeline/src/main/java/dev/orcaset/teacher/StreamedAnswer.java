package dev.orcaset.teacher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orcaset.teacher.TeacherException.Kind;
import java.io.IOException;

/**
 * Reassembles a streamed Chat Completions answer (server-sent events: `data: {chunk}` lines ending
 * with `data: [DONE]`) into the shape of a non-streamed one, so the rest of the client reads both
 * the same way: content deltas joined, the last finish_reason, usage from the final chunk (sent
 * when `stream_options.include_usage` is set).
 */
final class StreamedAnswer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StreamedAnswer() {}

  static JsonNode assemble(String events, int attempts) throws IOException {
    StringBuilder content = new StringBuilder();
    StringBuilder reasoning = null;
    String finishReason = null;
    JsonNode usage = null;
    String model = null;
    boolean done = false;
    for (String line : events.split("\r?\n")) {
      if (!line.startsWith("data:")) {
        continue; // comments, event names, blank separators
      }
      String data = line.substring(5).trim();
      if (data.equals("[DONE]")) {
        done = true;
        break;
      }
      JsonNode chunk = JSON.readTree(data);
      if (chunk.has("error")) {
        throw new TeacherException(
            Kind.RETRYABLE,
            200,
            chunk.at("/error/code").asText(null),
            "the stream carried an error: " + chunk.at("/error/message").asText(chunk.toString()),
            attempts);
      }
      model = chunk.path("model").asText(model);
      JsonNode choice = chunk.path("choices").path(0);
      if (!choice.isMissingNode()) {
        JsonNode delta = choice.path("delta");
        content.append(delta.path("content").asText(""));
        String thought = OpenAiChatClient.reasoningOf(delta);
        if (thought != null) {
          reasoning = (reasoning == null ? new StringBuilder() : reasoning).append(thought);
        }
        if (choice.hasNonNull("finish_reason")) {
          finishReason = choice.get("finish_reason").asText();
        }
      }
      if (chunk.hasNonNull("usage")) {
        usage = chunk.get("usage");
      }
    }
    if (!done && finishReason == null) {
      throw new TeacherException(
          Kind.RETRYABLE, 200, "stream_cut", "the stream ended before the answer did", attempts);
    }
    ObjectNode root = JSON.createObjectNode();
    if (model != null) {
      root.put("model", model);
    }
    ObjectNode choice = root.putArray("choices").addObject();
    ObjectNode message =
        choice.putObject("message").put("role", "assistant").put("content", content.toString());
    if (reasoning != null) {
      message.put("reasoning_content", reasoning.toString());
    }
    choice.put("finish_reason", finishReason);
    if (usage != null) {
      root.set("usage", usage);
    }
    return root;
  }
}
