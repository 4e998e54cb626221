package dev.orcaset.config;

import java.io.Serializable;

/**
 * `teacher.batch`: how `teacher.mode: batch` uses the provider's Batch API. Requests are split into
 * files of at most {@code maxRequests} lines and {@code maxBytes} (OpenAI's limits: 50,000 and 200
 * MB); each batch is polled every {@code pollSeconds}, backing off to {@code maxPollSeconds};
 * requests an expired batch left unanswered are resubmitted up to {@code maxResubmits} times.
 * {@code collect} false (`--no-wait`) returns once the batches are submitted and recorded; the same
 * command run again collects them. {@code maxEnqueuedTokens} (0: no budget) is the most estimated
 * tokens this dataset keeps queued at the provider at once (OpenAI limits enqueued tokens per model
 * and fails a batch past it): batches are submitted in waves under it.
 */
public record BatchConfig(
    Integer maxRequests,
    Long maxBytes,
    String completionWindow,
    Integer pollSeconds,
    Integer maxPollSeconds,
    Integer maxResubmits,
    Boolean collect,
    Long maxEnqueuedTokens)
    implements Serializable {
  public BatchConfig {
    maxRequests = maxRequests == null ? 50_000 : maxRequests;
    maxBytes = maxBytes == null ? 200L * 1024 * 1024 : maxBytes;
    completionWindow = completionWindow == null ? "24h" : completionWindow;
    pollSeconds = pollSeconds == null ? 30 : pollSeconds;
    maxPollSeconds = maxPollSeconds == null ? 600 : maxPollSeconds;
    maxResubmits = maxResubmits == null ? 2 : maxResubmits;
    collect = collect == null || collect;
    maxEnqueuedTokens = maxEnqueuedTokens == null ? 0L : maxEnqueuedTokens;
  }

  public static BatchConfig defaults() {
    return new BatchConfig(null, null, null, null, null, null, null, null);
  }

  public BatchConfig withCollect(boolean v) {
    return new BatchConfig(
        maxRequests,
        maxBytes,
        completionWindow,
        pollSeconds,
        maxPollSeconds,
        maxResubmits,
        v,
        maxEnqueuedTokens);
  }
}
