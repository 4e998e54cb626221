package dev.orcaset.quality;

import dev.orcaset.config.QualityConfig;
import dev.orcaset.model.DropReason;
import dev.orcaset.model.Sample;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The per-answer rules a config turns on, in the order they are tried: the first that fails a
 * sample names why it is dropped. (Duplicate responses and near-duplicate inputs compare rows with
 * each other and run as their own pipeline stages.)
 */
public final class QualityGates implements Serializable {

  /** A rule as the manifest and card describe it. */
  public record Gate(String rule, boolean enabled, String drops) implements Serializable {}

  /** A sample that failed a rule. */
  public record Failure(DropReason reason, String detail) implements Serializable {
    /** The rule's name, as config and manifests spell it. */
    public String rule() {
      return reason.wireName();
    }
  }

  private final List<QualityRule> rules;

  private QualityGates(List<QualityRule> rules) {
    this.rules = List.copyOf(rules);
  }

  public static QualityGates of(QualityConfig q) {
    List<QualityRule> rules = new ArrayList<>();
    if (q.finishReason().enabled()) {
      rules.add(new FinishReasonRule(q.finishReason().allowed()));
    }
    rules.add(new EmptyResponseRule());
    if (q.refusal().enabled()) {
      rules.add(new RefusalRule(q.refusal().phrases()));
    }
    if (q.noExplanation().enabled()) {
      rules.add(new NoExplanationRule(q.noExplanation().maxWords()));
    }
    if (q.tooShort().enabled()) {
      rules.add(new TooShortRule(q.tooShort().minTokens()));
    }
    if (q.wrongAnswer().enabled()) {
      rules.add(new WrongAnswerRule());
    }
    return new QualityGates(rules);
  }

  public Optional<Failure> firstFailure(Sample s) {
    for (QualityRule rule : rules) {
      Optional<String> why = rule.check(s);
      if (why.isPresent()) {
        return Optional.of(new Failure(rule.reason(), why.get()));
      }
    }
    return Optional.empty();
  }

  /**
   * Every rule name with whether the config turns it on, in order: for the manifest and the card.
   */
  public static List<Gate> describe(QualityConfig q) {
    return List.of(
        new Gate(
            DropReason.FINISH_REASON.wireName(),
            q.finishReason().enabled(),
            "finish_reason not in " + q.finishReason().allowed()),
        new Gate(DropReason.EMPTY_RESPONSE.wireName(), true, "empty or whitespace-only response"),
        new Gate(
            DropReason.REFUSAL.wireName(),
            q.refusal().enabled(),
            q.refusal().phrases().size() + " refusal/boilerplate phrases"),
        new Gate(
            DropReason.NO_EXPLANATION.wireName(),
            q.noExplanation().enabled(),
            "bare answer (at most "
                + q.noExplanation().maxWords()
                + " words, or the reference restated) to a prompt asking for reasoning"),
        new Gate(
            DropReason.TOO_SHORT.wireName(),
            q.tooShort().enabled(),
            "fewer than " + q.tooShort().minTokens() + " completion tokens"),
        new Gate(
            DropReason.WRONG_ANSWER.wireName(),
            q.wrongAnswer().enabled(),
            "final answer disagrees with FLAN's target (option, label, number or span)"),
        new Gate(
            DropReason.JUDGE.wireName(),
            q.judge().enabled(),
            "LLM judge score under "
                + q.judge().minScore()
                + " of 10"
                + (q.judge().teacher() == null ? "" : " (" + q.judge().teacher().model() + ")")),
        new Gate(
            DropReason.DUPLICATE_RESPONSE.wireName(),
            q.duplicateResponse().enabled(),
            "same response as another question's"),
        new Gate(
            DropReason.NEAR_DUPLICATE_INPUT.wireName(),
            q.nearDuplicateInput().enabled(),
            "input at least "
                + q.nearDuplicateInput().threshold()
                + " similar (word 3-gram Jaccard) to another input"));
  }
}
