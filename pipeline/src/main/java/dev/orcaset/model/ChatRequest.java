package dev.orcaset.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One Chat Completions request: a system prompt (omitted from the messages when empty) and the FLAN
 * inputs verbatim as the user message, with the sampling parameters from config.
 *
 * <p>A reasoning model (OpenAI's o-series and GPT-5 family) refuses {@code temperature}, {@code
 * top_p} and {@code max_tokens} with a 400: its request carries {@code max_completion_tokens}
 * (which also bounds the hidden reasoning tokens) and, when set, {@code reasoning_effort} instead.
 * To Anthropic, a reasoning request enables extended thinking with a budget from the effort ({@link
 * #thinkingBudget}) and carries no temperature or top_p.
 */
public record ChatRequest(
    String model,
    String systemPrompt,
    String userMessage,
    double temperature,
    Double topP,
    int maxTokens,
    Long seed,
    boolean stream,
    boolean reasoning,
    String reasoningEffort)
    implements Serializable {
  private static final ObjectMapper JSON = new ObjectMapper();

  public ChatRequest {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(userMessage, "userMessage");
    systemPrompt = systemPrompt == null ? "" : systemPrompt;
  }

  /** The request body as sent. */
  public ObjectNode toJson() {
    ObjectNode body = answerDefiningJson();
    if (stream) {
      body.put("stream", true);
      body.putObject("stream_options")
          .put("include_usage", true); // usage arrives in the last chunk
    }
    return body;
  }

  /**
   * The request as Anthropic's Messages API takes it: the system prompt as a top-level field
   * (omitted when empty), `max_tokens` required; `seed` has no counterpart and is not sent.
   */
  public ObjectNode toAnthropicJson() {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", model);
    body.put("max_tokens", maxTokens);
    if (!systemPrompt.isEmpty()) {
      body.put("system", systemPrompt);
    }
    body.putArray("messages").addObject().put("role", "user").put("content", userMessage);
    if (reasoning) {
      // Extended thinking: Claude refuses a temperature or top_p set beside it.
      body.putObject("thinking")
          .put("type", "enabled")
          .put("budget_tokens", thinkingBudget(maxTokens, reasoningEffort));
      return body;
    }
    body.put("temperature", temperature);
    if (topP != null) {
      body.put("top_p", topP);
    }
    return body;
  }

  /** Anthropic's least thinking budget; it must also stay below {@code max_tokens}. */
  public static final int MIN_THINKING_BUDGET = 1024;

  /**
   * Claude's thinking budget for a bound and an effort: a share of {@code max_tokens} (minimal the
   * least allowed, low a quarter, medium or unset half, high three quarters), at least {@link
   * #MIN_THINKING_BUDGET} and below the bound, since thinking counts against it.
   */
  public static int thinkingBudget(int maxTokens, String effort) {
    double share =
        switch (effort == null ? "medium" : effort) {
          case "minimal" -> 0;
          case "low" -> 0.25;
          case "high" -> 0.75;
          default -> 0.5;
        };
    int budget = Math.max(MIN_THINKING_BUDGET, (int) Math.round(maxTokens * share));
    return Math.max(MIN_THINKING_BUDGET, Math.min(budget, maxTokens - 1));
  }

  /**
   * What decides the answer, in a fixed field order so the same request always hashes the same.
   * Streaming is left out: it changes how the answer travels, not what it is.
   */
  private ObjectNode answerDefiningJson() {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", model);
    ArrayNode messages = body.putArray("messages");
    if (!systemPrompt.isEmpty()) {
      messages.addObject().put("role", "system").put("content", systemPrompt);
    }
    messages.addObject().put("role", "user").put("content", userMessage);
    if (reasoning) {
      body.put("max_completion_tokens", maxTokens);
      if (reasoningEffort != null) {
        body.put("reasoning_effort", reasoningEffort);
      }
    } else {
      body.put("temperature", temperature);
      if (topP != null) {
        body.put("top_p", topP);
      }
      body.put("max_tokens", maxTokens);
    }
    if (seed != null) {
      body.put("seed", seed);
    }
    return body;
  }

  /**
   * Whether a model is a reasoning model by its name, for {@code teacher.reasoning: auto}: OpenAI's
   * o1, o3, o4 and GPT-5 models (not {@code gpt-5-chat}, which takes sampling parameters).
   */
  public static boolean isReasoningModel(String model) {
    String m = model.toLowerCase(java.util.Locale.ROOT);
    int slash = m.lastIndexOf('/'); // "openai/o3-mini" on routers
    m = m.substring(slash + 1);
    return m.matches("o[134](-.*)?") || (m.matches("gpt-5(\\..*|-.*)?") && !m.contains("-chat"));
  }

  /**
   * Hash of everything that decides the answer (model, sampling parameters, both messages): two
   * requests with the same hash would be billed for the same thing.
   */
  public String requestHash() {
    return Hashes.sha256Hex(answerDefiningJson().toString());
  }

  /**
   * Hash of the same request with its token bound left out: a finished answer (it stopped before
   * the bound) is what any larger bound would have got, so raising {@code max_tokens} need not ask
   * it again. Only the answers cut off at the old bound are.
   */
  public String unboundedHash() {
    ObjectNode body = answerDefiningJson();
    body.remove(List.of("max_tokens", "max_completion_tokens"));
    return Hashes.sha256Hex("unbounded\u0000" + body);
  }
}
