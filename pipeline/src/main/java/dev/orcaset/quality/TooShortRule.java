package dev.orcaset.quality;

import dev.orcaset.cost.TokenEstimate;
import dev.orcaset.model.DropReason;
import dev.orcaset.model.Sample;
import java.util.Optional;

/**
 * Answers under {@code minTokens} completion tokens, whatever the prompt. Counts the teacher's own
 * `usage.completion_tokens`; for servers that do not report usage, the same estimate as cost
 * estimates (about four characters a token).
 */
public record TooShortRule(int minTokens) implements QualityRule {

  @Override
  public DropReason reason() {
    return DropReason.TOO_SHORT;
  }

  @Override
  public Optional<String> check(Sample s) {
    long tokens = tokens(s);
    return tokens < minTokens
        ? Optional.of(tokens + " token(s), fewer than " + minTokens)
        : Optional.empty();
  }

  static long tokens(Sample s) {
    if (s.completionTokens() > 0) {
      return s.completionTokens();
    }
    return s.response() == null ? 0 : TokenEstimate.fromChars(s.response().strip().length());
  }
}
