package dev.orcaset.prompts;

import dev.orcaset.model.QuestionType;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;

/**
 * One system prompt: its number, file, text (empty for the "no system message" prompt), the weight
 * with which each submix may draw it (absent or 0: never), and the questions it {@code when} suits:
 * a prompt that asks to rule out the other choices only suits questions that list them.
 */
public record SystemPrompt(int id, String file, String text, Map<String, Double> weights, When when)
    implements Serializable {
  public SystemPrompt {
    weights = weights == null ? Map.of() : Map.copyOf(weights);
    when = when == null ? When.ANY : when;
  }

  public SystemPrompt(int id, String file, String text, Map<String, Double> weights) {
    this(id, file, text, weights, When.ANY);
  }

  public double weightFor(String submix) {
    return weights.getOrDefault(submix, weights.getOrDefault(SystemPromptSet.DEFAULT_KEY, 0.0));
  }

  /** Whether the prompt may be given to a question of this type. */
  public boolean suits(QuestionType type) {
    return when == When.ANY || when.name().equals(type.name());
  }

  /** `when:` in `index.yaml`. */
  public enum When {
    ANY,
    MULTIPLE_CHOICE,
    OPEN;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
