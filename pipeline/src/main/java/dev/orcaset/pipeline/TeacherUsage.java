package dev.orcaset.pipeline;

import dev.orcaset.model.Answer;
import dev.orcaset.model.FailedRequest;
import dev.orcaset.model.Sample;
import java.io.Serializable;

/**
 * What the teacher stage cost: requests this run paid for (answered or not; a filtered answer was
 * still billed), their HTTP attempts and tokens (a reasoning model's reasoning tokens are part of
 * its completion tokens, billed with them, and also counted on their own), and how many questions
 * the journal answered instead, for nothing.
 */
public record TeacherUsage(
    long requests,
    long httpAttempts,
    long promptTokens,
    long completionTokens,
    long reasoningTokens,
    long reusedAnswers,
    long reusedFailures,
    long reusedAcrossLimits,
    long reaskedTruncated)
    implements Serializable {
  public static final TeacherUsage NONE = new TeacherUsage(0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** One request this run sent. */
  static TeacherUsage paid(Answer a) {
    // Java 17 has no pattern switch; the sealed type still names both cases.
    if (a instanceof Sample s) {
      return new TeacherUsage(
          1, s.attempts(), s.promptTokens(), s.completionTokens(), s.reasoningTokens(), 0, 0, 0, 0);
    }
    return new TeacherUsage(1, ((FailedRequest) a).attempts(), 0, 0, 0, 0, 0, 0, 0);
  }

  /** One question the journal answered. */
  static TeacherUsage reused(Answer a) {
    return a instanceof Sample
        ? new TeacherUsage(0, 0, 0, 0, 0, 1, 0, 0, 0)
        : new TeacherUsage(0, 0, 0, 0, 0, 0, 1, 0, 0);
  }

  /** A finished answer the journal holds under another {@code max_tokens}, reused. */
  static final TeacherUsage REUSED_ACROSS_LIMITS = new TeacherUsage(0, 0, 0, 0, 0, 1, 0, 1, 0);

  /** A question asked again: the journal's answer under another {@code max_tokens} was cut off. */
  static final TeacherUsage REASKED_TRUNCATED = new TeacherUsage(0, 0, 0, 0, 0, 0, 0, 0, 1);

  public TeacherUsage plus(TeacherUsage o) {
    return new TeacherUsage(
        requests + o.requests,
        httpAttempts + o.httpAttempts,
        promptTokens + o.promptTokens,
        completionTokens + o.completionTokens,
        reasoningTokens + o.reasoningTokens,
        reusedAnswers + o.reusedAnswers,
        reusedFailures + o.reusedFailures,
        reusedAcrossLimits + o.reusedAcrossLimits,
        reaskedTruncated + o.reaskedTruncated);
  }
}
