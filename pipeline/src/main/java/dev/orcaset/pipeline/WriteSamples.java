package dev.orcaset.pipeline;

import dev.orcaset.io.SampleSchema;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Writes samples as Parquet under `OUTPUT/data/snapshot=ID/commercial_use=true|false/`, Hive-style
 * partitions that DuckDB, Spark, pandas and `datasets` read as a column, so a training team can
 * take the cleared rows with one filter.
 *
 * <p>Output: the files written, per partition, for the manifest.
 */
public final class WriteSamples extends PTransform<PCollection<Sample>, WriteFilesResult<Boolean>> {
  private final String dataDir;
  private final CompressionCodecName codec;
  private final String snapshotId;

  /**
   * Every path under `data/` starts with the snapshot's own folder, `snapshot=ID/`. A reader that
   * walks `data/` while a run switches snapshots resolves paths it listed in the old one; in the
   * new one none of them exists, so the reader fails and retries instead of mixing two snapshots.
   */
  public WriteSamples(String dataDir, String compression, String snapshotId) {
    this.dataDir = dataDir;
    this.snapshotId = snapshotId;
    this.codec = switch (compression) {
      case "snappy" -> CompressionCodecName.SNAPPY;
      case "gzip" -> CompressionCodecName.GZIP;
      case "none" -> CompressionCodecName.UNCOMPRESSED;
      default -> CompressionCodecName.ZSTD;
    };
  }

  @Override
  public WriteFilesResult<Boolean> expand(PCollection<Sample> samples) {
    String snapshot = "snapshot=" + snapshotId;
    return samples.apply("WriteParquet", FileIO.<Boolean, Sample>writeDynamic()
        .by(Sample::commercialUse)
        .withDestinationCoder(BooleanCoder.of())
        .via(Contextful.fn(SampleSchema::toRecord),
            ParquetIO.sink(SampleSchema.SCHEMA).withCompressionCodec(codec))
        .to(dataDir)
        .withNaming(cleared -> FileIO.Write.defaultNaming(snapshot + "/commercial_use=" + cleared + "/part", ".parquet")));
  }
}
