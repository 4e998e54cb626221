package dev.orcaset.pipeline;

import dev.orcaset.io.ReadableFileInput;
import dev.orcaset.io.SampleSchema;
import dev.orcaset.model.Sample;
import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.parquet.hadoop.ParquetReader;

/**
 * What a refresh changed in the dataset, by request hash: rows of the previous snapshot kept, rows
 * dropped (their input or prompt is gone, or a filter now drops them), and rows new in this one.
 * The previous snapshot is read from its Parquet files, one column only.
 *
 * <p>Output: {@link Tally.Measure#SNAPSHOT} tallies `kept_rows`, `dropped_rows`, `new_rows`.
 */
public final class CompareWithPreviousSnapshot
    extends PTransform<PCollection<Sample>, PCollection<KV<Tally, Long>>> {
  private static final int PREVIOUS = 1;
  private static final int CURRENT = 2;

  private final String previousDataDir;

  public CompareWithPreviousSnapshot(String previousDataDir) {
    this.previousDataDir = previousDataDir;
  }

  @Override
  public PCollection<KV<Tally, Long>> expand(PCollection<Sample> samples) {
    if (ReadPreviousAnswers.isEmpty(previousDataDir)) {
      // The first snapshot: every row is new, and there is nothing to shuffle against.
      return CountOutcomes.tally(
          samples, "AllNew", s -> List.of(Tally.one(Tally.Measure.SNAPSHOT, "new_rows")));
    }
    var coder = KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of());
    PCollection<KV<String, Integer>> previous =
        samples
            .getPipeline()
            .apply(
                "MatchPrevious",
                FileIO.match()
                    .filepattern(ReadPreviousAnswers.pattern(previousDataDir))
                    .withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW))
            .apply("OpenPrevious", FileIO.readMatches())
            .apply("PreviousHashes", ParDo.of(new RequestHashesFn()))
            .setCoder(coder);
    PCollection<KV<String, Integer>> current =
        samples
            .apply(
                "CurrentHashes",
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.integers()))
                    .via(s -> KV.of(s.requestHash(), CURRENT)))
            .setCoder(coder);
    return PCollectionList.of(previous)
        .and(current)
        .apply("Both", Flatten.pCollections())
        .apply("ByHash", GroupByKey.create())
        .apply(
            "Compare",
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptor.of(Tally.class), TypeDescriptors.longs()))
                .via(
                    kv -> {
                      int seen = 0;
                      for (int side : kv.getValue()) {
                        seen |= side;
                      }
                      String what =
                          seen == (PREVIOUS | CURRENT)
                              ? "kept_rows"
                              : seen == PREVIOUS ? "dropped_rows" : "new_rows";
                      return Tally.one(Tally.Measure.SNAPSHOT, what);
                    }))
        .setCoder(Tally.KV_CODER);
  }

  /** Reads only the `request_hash` column of a previous snapshot's file. */
  static final class RequestHashesFn extends DoFn<FileIO.ReadableFile, KV<String, Integer>> {
    private static final Schema PROJECTION = SampleSchema.projection("request_hash");

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<KV<String, Integer>> out)
        throws IOException {
      try (ParquetReader<GenericRecord> reader =
          SampleSchema.reader(new ReadableFileInput(file), PROJECTION)) {
        for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
          out.output(KV.of(String.valueOf(r.get("request_hash")), PREVIOUS));
        }
      }
    }
  }
}
