package dev.orcaset.pipeline;

import dev.orcaset.io.SampleSchema;
import dev.orcaset.model.Sample;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Writes samples as Parquet under
 * `OUTPUT/data/snapshot=ID/commercial_use=true|false/license_tag=TAG/`, Hive-style partitions that
 * DuckDB and Spark read as columns, so a training team can take the cleared rows, or one license's
 * rows, by folder as well as by column.
 *
 * <p>Output: the files written, per partition, for the manifest.
 */
public final class WriteSamples extends PTransform<PCollection<Sample>, WriteFilesResult<String>> {
  private final String dataDir;
  private final CompressionCodecName codec;
  private final String snapshotId;
  private final String trainingSystemPrompt;

  /**
   * Every path under `data/` starts with the snapshot's own folder, `snapshot=ID/`. A reader that
   * walks `data/` while a run switches snapshots resolves paths it listed in the old one; in the
   * new one none of them exists, so the reader fails and retries instead of mixing two snapshots.
   */
  public WriteSamples(
      String dataDir, String compression, String snapshotId, String trainingSystemPrompt) {
    this.dataDir = dataDir;
    this.snapshotId = snapshotId;
    this.trainingSystemPrompt = trainingSystemPrompt;
    this.codec =
        switch (compression) {
          case "snappy" -> CompressionCodecName.SNAPPY;
          case "gzip" -> CompressionCodecName.GZIP;
          case "none" -> CompressionCodecName.UNCOMPRESSED;
          default -> CompressionCodecName.ZSTD;
        };
  }

  @Override
  public WriteFilesResult<String> expand(PCollection<Sample> samples) {
    String snapshot = "snapshot=" + snapshotId;
    String training = trainingSystemPrompt;
    return samples.apply(
        "WriteParquet",
        FileIO.<String, Sample>writeDynamic()
            .by(WriteSamples::partition)
            .withDestinationCoder(StringUtf8Coder.of())
            .via(
                Contextful.fn((Sample s) -> SampleSchema.toRecord(s, training)),
                ParquetIO.sink(SampleSchema.SCHEMA).withCompressionCodec(codec))
            .to(dataDir)
            .withNaming(
                partition ->
                    FileIO.Write.defaultNaming(snapshot + "/" + partition + "/part", ".parquet")));
  }

  static String partition(Sample s) {
    return "commercial_use=" + s.commercialUse() + "/license_tag=" + s.licenseTag();
  }
}
