package dev.orcaset.pipeline;

import dev.orcaset.io.Json;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Writes records as JSON lines under `DIR/part-SNAPSHOT-*.jsonl` (snake_case keys): the rejected,
 * failed and filtered rows a user inspects, fixes or retries. An empty stream still leaves one
 * empty file, so "nothing failed" is visible on disk too.
 */
public final class WriteJsonLines<T> extends PTransform<PCollection<T>, WriteFilesResult<Void>> {
  private final String dir;
  private final String snapshotId;

  /** File names carry {@code snapshotId}, so a reader of an old listing can't open a newer file. */
  public WriteJsonLines(String dir, String snapshotId) {
    this.dir = dir;
    this.snapshotId = snapshotId;
  }

  @Override
  public WriteFilesResult<Void> expand(PCollection<T> rows) {
    return rows.apply("ToJson", MapElements.into(TypeDescriptors.strings()).via(Json::line))
        .apply(
            "WriteText",
            TextIO.write()
                .to(dir + "/part-" + snapshotId)
                .withSuffix(".jsonl")
                .withOutputFilenames());
  }
}
