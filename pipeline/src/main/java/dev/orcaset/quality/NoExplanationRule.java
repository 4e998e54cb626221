package dev.orcaset.quality;

import dev.orcaset.model.DropReason;
import dev.orcaset.model.Sample;
import java.util.Locale;
import java.util.Optional;

/**
 * Orca's point is the reasoning. When the system prompt asked for it (it is not empty), a bare
 * answer is dropped: at most {@code maxWords} words ("Yes.", "(B)"), or nothing but the FLAN
 * reference answer restated. With the empty system prompt a short answer is what was asked for.
 */
public record NoExplanationRule(int maxWords) implements QualityRule {

  @Override
  public DropReason reason() {
    return DropReason.NO_EXPLANATION;
  }

  @Override
  public Optional<String> check(Sample s) {
    if (s.systemPrompt() == null || s.systemPrompt().isBlank() || s.response() == null) {
      return Optional.empty();
    }
    String answer = bare(s.response());
    int words = answer.isEmpty() ? 0 : answer.split(" ").length;
    if (words <= maxWords) {
      return Optional.of(
          words
              + " word(s) to system prompt "
              + s.systemPromptId()
              + ", which asks for an explanation");
    }
    if (s.referenceAnswer() != null && answer.equals(bare(s.referenceAnswer()))) {
      return Optional.of(
          "only restates the reference answer to system prompt " + s.systemPromptId());
    }
    return Optional.empty();
  }

  /** Lower case, punctuation dropped, single spaces: "Yes." and "yes" are the same bare answer. */
  private static String bare(String text) {
    return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").trim();
  }
}
