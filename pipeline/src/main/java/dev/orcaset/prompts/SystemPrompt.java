package dev.orcaset.prompts;

import java.io.Serializable;
import java.util.Map;

/**
 * One system prompt: its number, file, text (empty for the "no system message" prompt) and the
 * weight with which each submix may draw it (absent or 0: never).
 */
public record SystemPrompt(int id, String file, String text, Map<String, Double> weights)
    implements Serializable {
  public SystemPrompt {
    weights = weights == null ? Map.of() : Map.copyOf(weights);
  }

  public double weightFor(String submix) {
    return weights.getOrDefault(submix, weights.getOrDefault(SystemPromptSet.DEFAULT_KEY, 0.0));
  }
}
