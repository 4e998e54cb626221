package dev.orcaset.teacher.sim;

import dev.orcaset.model.Hashes;

/**
 * The simulated teacher's answers: a fixed function of (system prompt, user message), shaped like
 * an explanation, with a fingerprint of both. Tests recompute it to prove every row's response
 * belongs to its own question and prompt. It states no final answer, so it is never checked against
 * a target as right or wrong ({@code [[sim:reply=TEXT]]} answers that are).
 */
public final class SimulatedAnswers {
  private SimulatedAnswers() {}

  public static String answer(String systemPrompt, String userMessage) {
    String system = systemPrompt == null ? "" : systemPrompt;
    String fingerprint = Hashes.sha256Hex(system + "\u0000" + userMessage).substring(0, 16);
    return "Let me work through this step by step.\n"
        + "Step 1: Read the task. It begins: \""
        + excerpt(userMessage, 80)
        + "\".\n"
        + "Step 2: Follow the system message: "
        + (system.isEmpty() ? "(none)" : "\"" + excerpt(system, 60) + "\"")
        + ".\n"
        + "Step 3: Reason from the information given to a conclusion.\n"
        + "This is a simulated answer [sim:"
        + fingerprint
        + "], not training data.";
  }

  private static final java.util.regex.Pattern JUDGE =
      java.util.regex.Pattern.compile("\\[\\[sim:judge=([^\\]]*)]]");

  /** Whether a system prompt is a judge's rubric: it asks for a score and a reason in JSON. */
  public static boolean isJudgeRubric(String systemPrompt) {
    return systemPrompt != null
        && systemPrompt.contains("\"score\"")
        && systemPrompt.contains("\"reason\"");
  }

  /**
   * The simulated judge's reply to a judge's question: the score a {@code [[sim:judge=N]]} marker
   * in it names (a reply with no score when N is not a number), else 8; as the JSON object the
   * rubric asks for, after a sentence of preamble as chat models often write.
   */
  public static String judgement(String question) {
    java.util.regex.Matcher m = JUDGE.matcher(question);
    String score = m.find() ? m.group(1).trim() : "8";
    if (!score.matches("\\d{1,2}")) {
      return "I am not able to grade this answer.";
    }
    return "Here is my grade.\n{\"score\": "
        + score
        + ", \"reason\": \"simulated judge ["
        + Hashes.sha256Hex(question).substring(0, 8)
        + "]: scored "
        + score
        + ".\"}";
  }

  /**
   * What a simulated reasoning model thinks before it answers: a fixed function of the question.
   */
  public static String reasoning(String userMessage) {
    return "The user asks: \""
        + excerpt(userMessage, 60)
        + "\". I should check each step before I answer.";
  }

  /** A rough token count (words × 4/3), the same on every run. */
  public static long tokens(String text) {
    if (text == null || text.isBlank()) {
      return 0;
    }
    return Math.round(text.trim().split("\\s+").length * 4.0 / 3.0);
  }

  /** The start of {@code text} that {@link #tokens} counts as at most {@code maxTokens}. */
  public static String cut(String text, long maxTokens) {
    String[] words = text.trim().split("(?<=\\s)(?=\\S)");
    StringBuilder kept = new StringBuilder();
    for (int n = 1; n <= words.length && Math.round(n * 4.0 / 3.0) <= maxTokens; n++) {
      kept.append(words[n - 1]);
    }
    return kept.toString().stripTrailing();
  }

  private static String excerpt(String s, int max) {
    String flat = s.replaceAll("\\s+", " ").trim();
    return flat.length() <= max ? flat : flat.substring(0, max) + "…";
  }
}
