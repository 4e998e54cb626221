package dev.orcaset.teacher.batch;

import dev.orcaset.model.ChatCompletion;
import dev.orcaset.teacher.TeacherException;

/**
 * What a batch returned for one request: an answer, or the provider's error for that line ({@code
 * error.kind()} says whether asking again could help).
 */
public record BatchResult(String customId, ChatCompletion answer, TeacherException error) {
  public static BatchResult answered(String customId, ChatCompletion answer) {
    return new BatchResult(customId, answer, null);
  }

  public static BatchResult failed(String customId, TeacherException error) {
    return new BatchResult(customId, null, error);
  }
}
