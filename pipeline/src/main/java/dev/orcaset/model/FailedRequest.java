package dev.orcaset.model;

import java.io.Serializable;

/**
 * A question the teacher did not answer: kept with the provider's words, the HTTP status and the
 * attempts made, and the full question, so it can be inspected or retried. {@code tier} is the
 * teacher tier it was asked of (1: the run's `teacher`).
 *
 * @param reason {@link DropReason#PERMANENT_ERROR} (the server rejected it), {@link
 *     DropReason#RETRIES_EXHAUSTED} or {@link DropReason#BATCH_ERROR}
 */
public record FailedRequest(
    String id,
    String source,
    String taskName,
    int systemPromptId,
    String requestHash,
    DropReason reason,
    int httpStatus,
    String providerCode,
    String message,
    int attempts,
    String question,
    String inputFile,
    long inputLine,
    int tier)
    implements Answer, Serializable {}
