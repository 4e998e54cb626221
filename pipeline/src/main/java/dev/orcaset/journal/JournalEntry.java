package dev.orcaset.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orcaset.io.Json;
import dev.orcaset.model.ChatCompletion;
import java.io.IOException;
import java.io.Serializable;

/**
 * One journal line: what the teacher said to one request (an answer or a permanent failure), which
 * run paid for it and when. Exactly one of {@code answer} and {@code failure} is set. {@code
 * unboundedHash} ({@link dev.orcaset.model.ChatRequest#unboundedHash()}) and the request's {@code
 * maxTokens} are written with answers; lines from versions before them have neither (0) and are
 * found by their request hash alone.
 */
public record JournalEntry(
    String requestHash,
    String runId,
    long atMillis,
    ChatCompletion answer,
    Failure failure,
    String unboundedHash,
    int maxTokens)
    implements Serializable {

  /** A request the server rejected for good (HTTP 400, content filter): asking again won't help. */
  public record Failure(int httpStatus, String providerCode, String message, int attempts)
      implements Serializable {}

  public static JournalEntry answer(
      String requestHash, String runId, long atMillis, ChatCompletion answer) {
    return new JournalEntry(requestHash, runId, atMillis, answer, null, null, 0);
  }

  /** An answer to the question with these hashes, asked with this token bound. */
  public static JournalEntry answer(
      String requestHash,
      String unboundedHash,
      int maxTokens,
      String runId,
      long atMillis,
      ChatCompletion answer) {
    return new JournalEntry(requestHash, runId, atMillis, answer, null, unboundedHash, maxTokens);
  }

  public static JournalEntry failure(
      String requestHash, String runId, long atMillis, Failure failure) {
    return new JournalEntry(requestHash, runId, atMillis, null, failure, null, 0);
  }

  public boolean isAnswer() {
    return answer != null;
  }

  /** Of two entries for one request, the one to reuse: an answer over a failure, then the newer. */
  public static JournalEntry better(JournalEntry a, JournalEntry b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    if (a.isAnswer() != b.isAnswer()) {
      return a.isAnswer() ? a : b;
    }
    return b.atMillis() > a.atMillis() ? b : a;
  }

  /** The line format is a contract between runs and versions, so it is written field by field. */
  public String toLine() {
    ObjectNode o = Json.mapper().createObjectNode();
    o.put("request_hash", requestHash).put("run_id", runId).put("at", atMillis);
    if (unboundedHash != null) {
      o.put("unbounded_hash", unboundedHash).put("max_tokens", maxTokens);
    }
    if (answer != null) {
      ObjectNode a =
          o.putObject("answer")
              .put("content", answer.content())
              .put("finish_reason", answer.finishReason())
              .put("prompt_tokens", answer.promptTokens())
              .put("completion_tokens", answer.completionTokens())
              .put("served_model", answer.servedModel())
              .put("attempts", answer.attempts());
      // Only when there is some, so a chat model's lines stay as earlier versions wrote them.
      if (answer.reasoning() != null) {
        a.put("reasoning", answer.reasoning());
      }
      if (answer.reasoningTokens() > 0) {
        a.put("reasoning_tokens", answer.reasoningTokens());
      }
    } else {
      o.putObject("failure")
          .put("http_status", failure.httpStatus())
          .put("provider_code", failure.providerCode())
          .put("message", failure.message())
          .put("attempts", failure.attempts());
    }
    return o.toString();
  }

  /** Parses a line; throws {@link IOException} naming what is wrong with it. */
  public static JournalEntry fromLine(String line) throws IOException {
    JsonNode o = Json.mapper().readTree(line);
    if (o == null || !o.isObject() || !o.path("request_hash").isTextual()) {
      throw new IOException("not a journal entry (no request_hash)");
    }
    JsonNode a = o.path("answer");
    JsonNode f = o.path("failure");
    if (a.isObject()) {
      return answer(
          o.get("request_hash").asText(),
          o.path("unbounded_hash").asText(null),
          o.path("max_tokens").asInt(0),
          o.path("run_id").asText(null),
          o.path("at").asLong(),
          new ChatCompletion(
              a.path("content").asText(null),
              a.path("finish_reason").asText(null),
              a.path("prompt_tokens").asLong(),
              a.path("completion_tokens").asLong(),
              a.path("served_model").asText(null),
              a.path("attempts").asInt(),
              a.path("reasoning").asText(null),
              a.path("reasoning_tokens").asLong()));
    }
    if (f.isObject()) {
      return failure(
          o.get("request_hash").asText(),
          o.path("run_id").asText(null),
          o.path("at").asLong(),
          new Failure(
              f.path("http_status").asInt(),
              f.path("provider_code").asText(null),
              f.path("message").asText(null),
              f.path("attempts").asInt()));
    }
    throw new IOException("journal entry has neither an answer nor a failure");
  }
}
