package dev.orcaset.quality;

import dev.orcaset.model.DropReason;
import dev.orcaset.model.Sample;
import java.util.List;
import java.util.Optional;

/**
 * An answer cut short (max_tokens reached, content filter) teaches the student to stop mid-thought.
 */
public record FinishReasonRule(List<String> allowed) implements QualityRule {

  @Override
  public DropReason reason() {
    return DropReason.FINISH_REASON;
  }

  @Override
  public Optional<String> check(Sample s) {
    String reason = s.finishReason();
    if (reason != null && allowed.contains(reason)) {
      return Optional.empty();
    }
    return Optional.of(
        "finish_reason=" + (reason == null ? "(none)" : reason) + ", allowed: " + allowed);
  }
}
