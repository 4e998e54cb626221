package dev.orcaset.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orcaset.model.TargetCheck;
import dev.orcaset.model.TargetCheck.Method;
import dev.orcaset.model.TargetCheck.Verdict;
import org.junit.jupiter.api.Test;

class TargetComparatorTest {
  private static final String NLI =
      "Premise: \"Two children are building a sandcastle.\"\n"
          + "Hypothesis: \"The children are at the beach.\"\n"
          + "Does the premise entail the hypothesis?\n"
          + "OPTIONS:\n- yes\n- it is not possible to tell\n- no";
  private static final String LETTERS =
      "Which gas do plants take in for photosynthesis?\n"
          + "Options:\n(A) oxygen\n(B) carbon dioxide\n(C) nitrogen\n(D) helium";
  private static final String INLINE =
      "Where would you keep milk? (A) cupboard (B) fridge (C) garage\nAnswer:";
  private static final String WINOGRANDE =
      "Mara poured water into the glass until the _ was full. Option1: glass Option2: water";
  private static final String SENTIMENT =
      "Classify the review as positive or negative. Answer with 'positive' or 'negative'.\n"
          + "Review: The soup was cold and the waiter ignored us.";

  private static void expect(Verdict v, Method m, String question, String response, String target) {
    TargetCheck c = TargetComparator.check(question, response, target);
    assertEquals(v, c.verdict(), () -> "verdict of " + c);
    assertEquals(m, c.method(), () -> "method of " + c);
  }

  @Test
  void optionsByTextAndLetter_takeTheFinalAnswerNotTheFirstOptionTheReasoningMentions() {
    expect(
        Verdict.MATCH,
        Method.OPTION,
        LETTERS,
        "Oxygen is what plants release, and nitrogen is inert for them. Plants absorb carbon"
            + " dioxide.\nThe answer is (B).",
        "(B)");
    expect(
        Verdict.MISMATCH,
        Method.OPTION,
        LETTERS,
        "Plants absorb carbon dioxide by day, but they breathe too.\nThe answer is (A) oxygen.",
        "(B)");
    expect(
        Verdict.MATCH,
        Method.OPTION,
        LETTERS,
        "(A) is wrong: oxygen is released. So the answer is: carbon dioxide.",
        "carbon dioxide");
    expect(Verdict.MATCH, Method.OPTION, INLINE, "B) fridge. Milk spoils when warm.", "(B)");
    expect(Verdict.MISMATCH, Method.OPTION, INLINE, "Answer: (C) garage", "fridge");
    expect(Verdict.MATCH, Method.OPTION, WINOGRANDE, "The answer is glass.", "glass");
    expect(Verdict.MISMATCH, Method.OPTION, WINOGRANDE, "The answer is Option 2.", "glass");
    expect(
        Verdict.MATCH,
        Method.OPTION,
        SENTIMENT,
        "The food was cold and the service poor. Therefore, the review is negative.",
        "negative");
    expect(
        Verdict.MISMATCH,
        Method.OPTION,
        SENTIMENT,
        "Positive. The reviewer describes the meal in detail.",
        "negative");
  }

  @Test
  void reasoningThatWeighsEveryOptionWithoutConcludingIsNotChecked() {
    expect(
        Verdict.UNCHECKED,
        Method.OPTION,
        LETTERS,
        "Oxygen, carbon dioxide, nitrogen and helium are all gases. Plants need light.",
        "(B)");
  }

  @Test
  void nliLabels_includingFlansNotPossibleToTell() {
    expect(
        Verdict.MATCH,
        Method.OPTION,
        NLI,
        "The premise says nothing about where they are; no beach is mentioned.\n"
            + "The answer is: it is not possible to tell.",
        "it is not possible to tell");
    // Not an option's words, but the same label.
    expect(
        Verdict.MATCH,
        Method.LABEL,
        NLI,
        "A sandcastle suggests sand, yet not a beach. So it's impossible to say.",
        "it is not possible to tell");
    expect(
        Verdict.MISMATCH,
        Method.OPTION,
        NLI,
        "Sandcastles are built at beaches, so the answer is yes.",
        "it is not possible to tell");
    // "no" inside the reasoning is not the answer.
    expect(
        Verdict.MATCH,
        Method.OPTION,
        NLI,
        "There is no mention of a beach. The answer is it is not possible to tell.",
        "it is not possible to tell");
    expect(
        Verdict.MATCH,
        Method.LABEL,
        "Is the sky green? Answer yes or no.",
        "No, the sky is blue on a clear day.",
        "no");
    expect(
        Verdict.MISMATCH,
        Method.LABEL,
        "Does the hypothesis follow?",
        "Yes. Both sentences describe the same event.",
        "contradiction");
    // A negated yes is not read as yes.
    expect(
        Verdict.UNCHECKED,
        Method.LABEL,
        "Is the claim true?",
        "Therefore, the claim is not true as stated.",
        "true");
  }

  @Test
  void numbers_withGsm8kFinalsCommasAndUnits() {
    String target =
        "Chen buys 12 * 5 = 60 apples. So Chen has 34 + 60 = 94 apples. The answer is 94.";
    expect(
        Verdict.MATCH,
        Method.NUMBER,
        "Chen has 34 apples…",
        "Step 1: 12 packs of 5 is 60.\nStep 2: 34 + 60 = 94.\nSo Chen has 94 apples now.",
        target);
    expect(
        Verdict.MISMATCH,
        Method.NUMBER,
        "Chen has 34 apples…",
        "12 packs of 5 is 60. The answer is 34 + 50 = 84.",
        target);
    expect(Verdict.MATCH, Method.NUMBER, "How much?", "Total: 600 + 634.\n#### 1,234", "1234");
    expect(Verdict.MATCH, Method.NUMBER, "How much?", "The answer is $1,200.", "1200 dollars");
    expect(Verdict.MISMATCH, Method.NUMBER, "How much?", "The final answer is 12.5.", "12");
    // Two numbers in an unmarked conclusion: which is the answer is not clear.
    expect(
        Verdict.UNCHECKED, Method.NUMBER, "How many?", "So after 3 days he has 12 apples.", "12");
  }

  @Test
  void shortSpans_exactNormalisedOrByTokenF1() {
    String q = "Passage: Marie Curie won Nobel Prizes.\nQuestion: In which fields?";
    expect(
        Verdict.MATCH,
        Method.SPAN,
        q,
        "She won in two sciences.\nAnswer: Physics and Chemistry.",
        "physics and chemistry");
    expect(
        Verdict.MISMATCH,
        Method.SPAN,
        q,
        "She won twice.\nAnswer: literature and peace.",
        "physics and chemistry");
    expect(Verdict.MATCH, Method.SPAN, q, "Physics and chemistry.", "physics and chemistry");
    // Unmarked and worded its own way: kept as unchecked, not called wrong.
    expect(
        Verdict.UNCHECKED,
        Method.SPAN,
        q,
        "Curie is the only person honoured in two sciences. She shared the first prize with her"
            + " husband and won the second alone for discovering radium and polonium.",
        "physics and chemistry");
  }

  @Test
  void freeTextTargetsAndSimulatedAnswersAreNotChecked() {
    expect(
        Verdict.UNCHECKED,
        Method.NONE,
        "Summarize: The council met on Tuesday to discuss the new park.",
        "The council discussed a new park.",
        "On Tuesday the town council debated plans for a park near the river and the budget.");
    // The option "yes" is also a label: the last comparator tried is named.
    expect(
        Verdict.UNCHECKED,
        Method.LABEL,
        NLI,
        dev.orcaset.teacher.sim.SimulatedAnswers.answer("Think step by step.", NLI),
        "yes");
  }
}
