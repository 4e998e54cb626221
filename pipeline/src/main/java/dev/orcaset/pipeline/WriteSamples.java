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
 * Writes samples as Parquet under `OUTPUT/data/commercial_use=true|false/`, a Hive-style
 * partition that DuckDB, Spark, pandas and `datasets` read as a column, so a training team can
 * take the cleared rows with one filter.
 *
 * <p>Output: the files written, per partition, for the manifest.
 */
public final class WriteSamples extends PTransform<PCollection<Sample>, WriteFilesResult<Boolean>> {
  private final String dataDir;
  private final CompressionCodecName codec;
  private final String runId;

  /**
   * File names carry the run id, so no two snapshots share a file name: a reader that listed the
   * previous snapshot cannot open a file of the next one under an old name.
   */
  public WriteSamples(String dataDir, String compression, String runId) {
    this.dataDir = dataDir;
    this.runId = runId;
    this.codec = switch (compression) {
      case "snappy" -> CompressionCodecName.SNAPPY;
      case "gzip" -> CompressionCodecName.GZIP;
      case "none" -> CompressionCodecName.UNCOMPRESSED;
      default -> CompressionCodecName.ZSTD;
    };
  }

  @Override
  public WriteFilesResult<Boolean> expand(PCollection<Sample> samples) {
    String part = "/part-" + (runId.length() > 8 ? runId.substring(0, 8) : runId);
    return samples.apply("WriteParquet", FileIO.<Boolean, Sample>writeDynamic()
        .by(Sample::commercialUse)
        .withDestinationCoder(BooleanCoder.of())
        .via(Contextful.fn(SampleSchema::toRecord),
            ParquetIO.sink(SampleSchema.SCHEMA).withCompressionCodec(codec))
        .to(dataDir)
        .withNaming(cleared -> FileIO.Write.defaultNaming("commercial_use=" + cleared + part, ".parquet")));
  }
}
