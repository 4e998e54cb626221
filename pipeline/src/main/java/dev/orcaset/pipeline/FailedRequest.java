package dev.orcaset.pipeline;

import java.io.Serializable;

/**
 * A question the teacher did not answer: kept with the provider's words, the HTTP status and
 * the attempts made, and the full question, so it can be inspected or retried.
 *
 * @param reason `permanent_error` (the server rejected it) or `retries_exhausted`
 */
public record FailedRequest(
    String id,
    String source,
    String taskName,
    int systemPromptId,
    String requestHash,
    String reason,
    int httpStatus,
    String providerCode,
    String message,
    int attempts,
    String question,
    String inputFile,
    long inputLine)
    implements Serializable {}
