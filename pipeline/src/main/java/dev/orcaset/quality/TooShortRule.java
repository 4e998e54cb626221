package dev.orcaset.quality;

import dev.orcaset.pipeline.Sample;
import java.util.Optional;

/**
 * Answers under {@code minTokens} completion tokens, whatever the prompt. Counts the teacher's
 * own `usage.completion_tokens`; servers that do not report usage are counted by words × 4/3.
 */
public record TooShortRule(int minTokens) implements QualityRule {
  public static final String NAME = "too_short";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<String> check(Sample s) {
    long tokens = tokens(s);
    return tokens < minTokens ? Optional.of(tokens + " token(s), fewer than " + minTokens) : Optional.empty();
  }

  static long tokens(Sample s) {
    if (s.completionTokens() > 0) {
      return s.completionTokens();
    }
    String text = s.response() == null ? "" : s.response().trim();
    return text.isEmpty() ? 0 : Math.round(text.split("\\s+").length * 4.0 / 3.0);
  }
}
