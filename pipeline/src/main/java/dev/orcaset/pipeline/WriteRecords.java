package dev.orcaset.pipeline;

import dev.orcaset.io.Json;
import dev.orcaset.model.DroppedRecord;
import dev.orcaset.model.FailedRequest;
import dev.orcaset.model.Rejection;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Writes the rows a user inspects, fixes or retries as JSON lines (snake_case keys), each kind in
 * its folder: {@link Outcomes#REJECTED} to `rejected/`, {@link Outcomes#FAILED} to `failed/`,
 * {@link Outcomes#DROPPED} to `filtered/`, as `FOLDER/part-SNAPSHOT-*.jsonl`. One write for all
 * three: each file write is a few dozen tasks on a cluster.
 *
 * <p>A folder with nothing to write gets no file here; the launcher leaves an empty one in it, so
 * "nothing failed" is visible on disk too ({@link #FOLDERS}).
 */
public final class WriteRecords extends PTransform<PCollectionTuple, WriteFilesResult<String>> {
  /** The folders, in the order the kinds are listed above. */
  public static final List<String> FOLDERS = List.of("rejected", "failed", "filtered");

  private final String dir;
  private final String snapshotId;

  /** File names carry {@code snapshotId}, so a reader of an old listing can't open a newer file. */
  public WriteRecords(String dir, String snapshotId) {
    this.dir = dir;
    this.snapshotId = snapshotId;
  }

  /** The name of a folder's empty file, when it has nothing else. */
  public static String emptyFileName(String snapshotId) {
    return "part-" + snapshotId + "-00000-of-00001.jsonl";
  }

  @Override
  public WriteFilesResult<String> expand(PCollectionTuple in) {
    String snapshot = snapshotId;
    return PCollectionList.of(lines(in, Outcomes.REJECTED, Rejection.class, "rejected"))
        .and(lines(in, Outcomes.FAILED, FailedRequest.class, "failed"))
        .and(lines(in, Outcomes.DROPPED, DroppedRecord.class, "filtered"))
        .apply("AllRecords", Flatten.pCollections())
        .apply(
            "WriteJsonLines",
            FileIO.<String, KV<String, String>>writeDynamic()
                .by(KV::getKey)
                .withDestinationCoder(StringUtf8Coder.of())
                .via(Contextful.fn(KV::getValue), TextIO.sink())
                .to(dir)
                .withNaming(
                    folder -> FileIO.Write.defaultNaming(folder + "/part-" + snapshot, ".jsonl")));
  }

  private static <T> PCollection<KV<String, String>> lines(
      PCollectionTuple in, TupleTag<T> tag, Class<T> type, String folder) {
    return in.get(tag)
        .apply(
            "ToJson" + type.getSimpleName(),
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                .via((T r) -> KV.of(folder, Json.line(r))))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
  }
}
