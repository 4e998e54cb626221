package dev.orcaset.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orcaset.config.JudgeConfig;
import dev.orcaset.model.Sample;
import java.io.IOException;
import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the LLM judge said of one row: a score from 1 to 10 and its reason, or, when its reply holds
 * no readable score, no score and a reason saying so. The judge is asked (by the rubric) for one
 * JSON object {@code {"score": N, "reason": "..."}}; models wrap it in prose or code fences, write
 * "8/10" or "Score: 8", so those are read too. Anything else is not guessed at: a row is dropped
 * only on a score the judge clearly gave.
 */
public record Judgement(Integer score, String reason) implements Serializable {
  public static final int MIN = JudgeConfig.MIN_SCORE;
  public static final int MAX = JudgeConfig.MAX_SCORE;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SCORE =
      Pattern.compile("(?i)\"?score\"?\\s*[:=]\\s*\"?(\\d{1,2}(?:\\.\\d+)?)\\s*(?:/\\s*10)?");
  private static final Pattern REASON =
      Pattern.compile("(?is)\"?reason\"?\\s*[:=]\\s*\"?(.+?)\"?\\s*(?:}|$)");
  private static final int MAX_REASON = 500;

  /** Whether the judge gave a score. */
  public boolean scored() {
    return score != null;
  }

  /** Reads the judge's reply. */
  public static Judgement read(String reply) {
    if (reply == null || reply.isBlank()) {
      return new Judgement(null, "the judge's reply was empty");
    }
    Judgement fromJson = fromJson(reply);
    if (fromJson != null) {
      return fromJson;
    }
    Matcher score = SCORE.matcher(reply);
    if (score.find()) {
      Integer n = inRange(score.group(1));
      if (n != null) {
        Matcher reason = REASON.matcher(reply);
        return new Judgement(n, reason.find() ? clip(reason.group(1)) : "");
      }
    }
    return new Judgement(null, "no score from 1 to 10 in the judge's reply: " + clip(reply));
  }

  /** The first `{…}` in the reply that parses as an object with a score. */
  private static Judgement fromJson(String reply) {
    int open = reply.indexOf('{');
    int close = reply.lastIndexOf('}');
    if (open < 0 || close < open) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(reply.substring(open, close + 1));
      JsonNode score = n.path("score");
      if (!n.isObject() || score.isMissingNode()) {
        return null;
      }
      Integer s = inRange(score.asText().replaceAll("\\s*/\\s*10$", ""));
      if (s == null) {
        return new Judgement(
            null, "the judge's score " + score + " is not a number from 1 to 10: " + clip(reply));
      }
      return new Judgement(s, clip(n.path("reason").asText("")));
    } catch (IOException notJson) {
      return null;
    }
  }

  private static Integer inRange(String s) {
    try {
      double d = Double.parseDouble(s.trim());
      long n = Math.round(d);
      return d == n && n >= MIN && n <= MAX ? (int) n : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String clip(String s) {
    String flat = s.replaceAll("\\s+", " ").trim();
    return flat.length() <= MAX_REASON ? flat : flat.substring(0, MAX_REASON) + "…";
  }

  /**
   * What the judge is shown of a row: the instructions the answer had to follow (the row's system
   * prompt), the question as sent, FLAN's target and the answer, each under its own heading.
   */
  public static String question(Sample s) {
    StringBuilder b = new StringBuilder();
    b.append("## Instructions the answer had to follow\n")
        .append(s.systemPrompt().isBlank() ? "(none)" : s.systemPrompt())
        .append("\n\n## Question\n")
        .append(s.question())
        .append(
            "\n\n## Reference answer (from the dataset; may be terse or formatted differently)\n")
        .append(
            s.referenceAnswer() == null || s.referenceAnswer().isBlank()
                ? "(none)"
                : s.referenceAnswer())
        .append("\n\n## Answer to grade\n")
        .append(s.response())
        .append('\n');
    return b.toString();
  }
}
