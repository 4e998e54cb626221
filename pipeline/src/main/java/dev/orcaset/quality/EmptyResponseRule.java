package dev.orcaset.quality;

import dev.orcaset.model.DropReason;
import dev.orcaset.model.Sample;
import java.util.Optional;

/** Nothing to learn from an empty or whitespace-only answer. */
public record EmptyResponseRule() implements QualityRule {

  @Override
  public DropReason reason() {
    return DropReason.EMPTY_RESPONSE;
  }

  @Override
  public Optional<String> check(Sample s) {
    if (s.response() == null || s.response().isBlank()) {
      return Optional.of(
          (s.response() == null ? "no content" : "only whitespace")
              + ", finish_reason="
              + s.finishReason());
    }
    return Optional.empty();
  }
}
