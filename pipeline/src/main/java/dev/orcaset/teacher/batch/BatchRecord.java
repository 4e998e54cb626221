package dev.orcaset.teacher.batch;

import java.util.List;

/**
 * The ledger's entry for one submitted batch, written before anything waits on it: which run
 * submitted it, when, as which attempt, and the request hashes it covers. {@code collected} is set
 * once its results are in the journal; until then a later run polls this batch instead of paying
 * for its requests again. {@code enqueuedTokens} is what it holds of the provider's enqueued-token
 * limit while it runs (0 in records of older versions).
 */
public record BatchRecord(
    String batchId,
    String provider,
    String runId,
    long submittedAtMillis,
    int attempt,
    boolean collected,
    String finalState,
    List<String> requestHashes,
    long enqueuedTokens) {

  public BatchRecord {
    requestHashes = List.copyOf(requestHashes);
  }

  public BatchRecord collected(String state) {
    return new BatchRecord(
        batchId,
        provider,
        runId,
        submittedAtMillis,
        attempt,
        true,
        state,
        requestHashes,
        enqueuedTokens);
  }
}
