package dev.orcaset.model;

import java.io.Serializable;
import java.util.Objects;

/**
 * One question for the teacher: a sampled FLAN record paired with its system prompt, the exact
 * request that asks it, and that request's hash, computed once here. The hash keys the journal, the
 * batch files' `custom_id` and the row, so every stage agrees on what was paid for. {@code
 * unboundedHash} leaves the token bound out: finished answers are found by it when only the bound
 * changed.
 *
 * @param systemPromptId the prompt's number in the prompt set (its text is in the request)
 */
public record Question(
    String id,
    FlanRecord record,
    int systemPromptId,
    ChatRequest request,
    String requestHash,
    String unboundedHash)
    implements Serializable {

  public Question {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(requestHash, "requestHash");
  }

  /** Pairs a record with a prompt for a teacher; the hash is computed from the request. */
  public static Question of(FlanRecord record, int systemPromptId, ChatRequest request) {
    return new Question(
        record.id(),
        record,
        systemPromptId,
        request,
        request.requestHash(),
        request.unboundedHash());
  }

  public String submix() {
    return record.submix().configName();
  }

  public String systemPrompt() {
    return request.systemPrompt();
  }
}
