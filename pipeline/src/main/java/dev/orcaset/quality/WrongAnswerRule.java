package dev.orcaset.quality;

import dev.orcaset.model.DropReason;
import dev.orcaset.model.Sample;
import dev.orcaset.model.TargetCheck;
import java.util.Optional;

/**
 * SlimOrca's filter: an answer whose final answer disagrees with FLAN's human target teaches the
 * student a wrong conclusion, however well explained. Only a {@code mismatch} is dropped; an answer
 * that could not be checked is kept.
 */
public record WrongAnswerRule() implements QualityRule {

  @Override
  public DropReason reason() {
    return DropReason.WRONG_ANSWER;
  }

  @Override
  public Optional<String> check(Sample s) {
    if (s.targetCheck() != TargetCheck.Verdict.MISMATCH) {
      return Optional.empty();
    }
    // The row keeps the verdict; the two answers compared are worth saying only for a drop.
    TargetCheck c = TargetComparator.check(s.question(), s.response(), s.referenceAnswer());
    return Optional.of(
        "answered \""
            + excerpt(c.answer())
            + "\", the target is \""
            + excerpt(c.target())
            + "\" ("
            + c.method().wireName()
            + ")");
  }

  private static String excerpt(String s) {
    String flat = s.replaceAll("\\s+", " ").strip();
    return flat.length() <= 120 ? flat : flat.substring(0, 120) + "…";
  }
}
