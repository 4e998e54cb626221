package dev.orcaset.teacher.batch;

import java.io.Serializable;

/**
 * A batch as the provider last described it, with its state mapped to one vocabulary for both
 * providers. {@code errors} is the provider's explanation of a failed batch; the file ids (or
 * Anthropic's results URL) say where results are.
 */
public record BatchStatus(
    String id,
    State state,
    String providerStatus,
    long total,
    long completed,
    long failed,
    String errors,
    String outputFileId,
    String errorFileId,
    String resultsUrl)
    implements Serializable {

  /** Where a batch is in its life; the last four are final. */
  public enum State {
    IN_PROGRESS,
    CANCELLING,
    COMPLETED,
    FAILED,
    EXPIRED,
    CANCELLED;

    public boolean isFinal() {
      return this == COMPLETED || this == FAILED || this == EXPIRED || this == CANCELLED;
    }
  }
}
