package dev.orcaset.teacher.batch;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One provider's batch endpoints. Implementations map wire formats; {@link BatchRunner} decides.
 */
public interface BatchApi {
  /** The provider's name for the ledger and messages: `openai`, `anthropic`. */
  String provider();

  /** The bytes one item takes in a submission, for splitting within the provider's size limit. */
  long sizeOf(BatchItem item);

  /** Submits one batch (uploading its file first where the API needs one). */
  BatchStatus submit(List<BatchItem> items, Map<String, String> metadata) throws IOException;

  BatchStatus get(String batchId) throws IOException;

  /** Streams a final batch's results, answers and per-line errors alike, in any order. */
  void results(BatchStatus batch, Consumer<BatchResult> sink) throws IOException;

  BatchStatus cancel(String batchId) throws IOException;

  /** HTTP calls this API object has made: uploads, creates, polls, downloads. */
  long calls();
}
