package dev.orcaset.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.config.QualityConfig;
import dev.orcaset.model.Sample;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every per-answer rule with answers it must drop and answers it must keep. */
class QualityRulesTest {
  private static final String ASKS_FOR_REASONS =
      "You are a careful assistant. Think step by step and justify each step.";
  private static final String EXPLAINED =
      "The premise says the man is outdoors, and a park is outdoors, so the hypothesis follows."
          + " Answer: yes.";

  static Sample sample(
      String systemPrompt,
      String response,
      String finish,
      long completionTokens,
      String reference) {
    return new Sample(
        "id1",
        "CoT",
        "cot_gsm8k",
        "zs_noopt",
        dev.orcaset.model.QuestionType.OPEN,
        2,
        systemPrompt,
        "Is it so?",
        response,
        null,
        reference,
        TargetComparator.check("Is it so?", response, reference).verdict(),
        TargetComparator.check("Is it so?", response, reference).method(),
        null,
        null,
        1,
        "vllm",
        "m",
        "m",
        finish,
        10,
        completionTokens,
        0,
        1,
        null,
        null,
        null,
        "",
        "",
        false,
        0L,
        "run",
        "hash0000000000",
        "in.jsonl",
        1);
  }

  private static Optional<String> check(
      QualityRule rule, String system, String response, String finish, long tokens, String ref) {
    return rule.check(sample(system, response, finish, tokens, ref));
  }

  @Test
  void finishReason_dropsTruncatedAndFilteredAnswers_keepsFinishedOnes() {
    QualityRule rule = new FinishReasonRule(QualityConfig.FINISHED);
    assertEquals(
        "finish_reason=length, allowed: [stop, eos_token, stop_sequence, end_turn]",
        check(rule, ASKS_FOR_REASONS, EXPLAINED, "length", 40, null).orElseThrow());
    assertTrue(check(rule, ASKS_FOR_REASONS, EXPLAINED, "content_filter", 40, null).isPresent());
    assertTrue(
        check(rule, ASKS_FOR_REASONS, EXPLAINED, null, 40, null).orElseThrow().contains("(none)"));
    assertTrue(check(rule, ASKS_FOR_REASONS, EXPLAINED, "stop", 40, null).isEmpty());
    assertTrue(check(rule, ASKS_FOR_REASONS, EXPLAINED, "end_turn", 40, null).isEmpty());
    assertTrue(
        check(
                new FinishReasonRule(List.of("stop")),
                ASKS_FOR_REASONS,
                EXPLAINED,
                "end_turn",
                40,
                null)
            .isPresent(),
        "the allowed list comes from config");
  }

  @Test
  void emptyResponse_dropsEmptyAndWhitespace_keepsText() {
    QualityRule rule = new EmptyResponseRule();
    assertTrue(check(rule, "", "", "stop", 0, null).orElseThrow().startsWith("only whitespace"));
    assertTrue(check(rule, "", " \n\t ", "stop", 0, null).isPresent());
    assertTrue(check(rule, "", null, "stop", 0, null).orElseThrow().startsWith("no content"));
    assertTrue(check(rule, "", "4", "stop", 1, null).isEmpty());
  }

  @Test
  void refusal_dropsBoilerplateAnywhere_caseAndApostropheInsensitive_keepsAnswersThatMentionAi() {
    QualityRule rule = new RefusalRule(QualityConfig.REFUSALS);
    assertEquals(
        "contains \"as an ai language model\"",
        check(
                rule,
                "",
                "As an AI language model, I do not have opinions. But the answer is 4.",
                "stop",
                20,
                null)
            .orElseThrow());
    assertTrue(
        check(rule, "", "Sure.\nI’m sorry, but I can’t help with that request.", "stop", 20, null)
            .isPresent(),
        "curly apostrophes");
    assertTrue(
        check(rule, "", "I CANNOT   ASSIST WITH this.", "stop", 20, null).isPresent(),
        "case and spacing");
    assertTrue(
        check(
                rule,
                "",
                "An AI language model predicts the next token; step 1 is tokenization.",
                "stop",
                20,
                null)
            .isEmpty());
    assertTrue(
        check(new RefusalRule(List.of("Lorem ipsum")), "", "lorem IPSUM dolor", "stop", 3, null)
            .isPresent(),
        "the phrase list comes from config");
  }

  @Test
  void noExplanation_dropsBareAnswersToPromptsThatAskForReasoning() {
    QualityRule rule = new NoExplanationRule(3);
    assertEquals(
        "1 word(s) to system prompt 2, which asks for an explanation",
        check(rule, ASKS_FOR_REASONS, "Yes.", "stop", 2, "yes").orElseThrow());
    assertTrue(check(rule, ASKS_FOR_REASONS, "(B)", "stop", 3, "B").isPresent());
    assertTrue(
        check(
                rule,
                ASKS_FOR_REASONS,
                "The answer is seven apples",
                "stop",
                6,
                "The answer is seven apples")
            .orElseThrow()
            .contains("restates the reference"),
        "more words than max_words, but only the reference answer");
    assertTrue(
        check(rule, "", "Yes.", "stop", 2, "yes").isEmpty(),
        "the empty system prompt asks for no reasoning");
    assertTrue(check(rule, ASKS_FOR_REASONS, EXPLAINED, "stop", 30, "yes").isEmpty());
  }

  @Test
  void tooShort_countsTheTeachersTokens_orWordsWhenItReportsNone() {
    QualityRule rule = new TooShortRule(3);
    assertEquals(
        "2 token(s), fewer than 3",
        check(rule, "", "Paris, France", "stop", 2, null).orElseThrow());
    assertTrue(check(rule, "", "Paris, France", "stop", 3, null).isEmpty());
    assertTrue(
        check(rule, "", "Paris", "stop", 0, null).isPresent(),
        "5 characters ≈ 1 token without usage");
    assertTrue(
        check(rule, "", "It is Paris, France", "stop", 0, null).isEmpty(),
        "19 characters ≈ 5 tokens without usage");
  }

  @Test
  void gatesApplyTheEnabledRulesInOrder_andNameTheFirstThatFails() {
    QualityGates all = QualityGates.of(QualityConfig.defaults());
    assertEquals(
        "finish_reason",
        all.firstFailure(sample(ASKS_FOR_REASONS, "", "length", 0, null)).orElseThrow().rule(),
        "a truncated empty answer is reported as truncated");
    assertEquals(
        "refusal",
        all.firstFailure(sample(ASKS_FOR_REASONS, "I cannot help with that.", "stop", 6, null))
            .orElseThrow()
            .rule());
    assertEquals(
        "no_explanation",
        all.firstFailure(sample(ASKS_FOR_REASONS, "Yes", "stop", 1, null)).orElseThrow().rule());
    assertEquals(
        "too_short", all.firstFailure(sample("", "Yes", "stop", 1, null)).orElseThrow().rule());
    assertTrue(all.firstFailure(sample(ASKS_FOR_REASONS, EXPLAINED, "stop", 30, null)).isEmpty());

    QualityConfig off =
        new QualityConfig(
            new QualityConfig.FinishReason(false, null),
            null,
            new QualityConfig.Refusal(false, null),
            new QualityConfig.NoExplanation(false, null),
            new QualityConfig.TooShort(false, null),
            null,
            null,
            null,
            null);
    QualityGates some = QualityGates.of(off);
    assertTrue(
        some.firstFailure(sample(ASKS_FOR_REASONS, "Yes", "length", 1, null)).isEmpty(),
        "rules turned off do not run");
    assertEquals(
        "empty_response",
        some.firstFailure(sample(ASKS_FOR_REASONS, " ", "stop", 0, null)).orElseThrow().rule(),
        "the empty-response rule always runs");
  }
}
