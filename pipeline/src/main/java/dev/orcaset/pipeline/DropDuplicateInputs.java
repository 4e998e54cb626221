package dev.orcaset.pipeline;

import dev.orcaset.model.DropReason;
import dev.orcaset.model.DroppedRecord;
import dev.orcaset.model.FlanRecord;
import dev.orcaset.model.Hashes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Keeps one record per distinct `inputs` text: paying twice for the same question adds nothing.
 *
 * <p>Output: {@link Outcomes#RECORDS} the kept records; {@link Outcomes#DROPPED} the others, with
 * reason {@code duplicate_input} naming the record kept. Which one is kept does not depend on file
 * order: the smallest by (submix, task, template type, template index, targets, origin).
 *
 * <p>A combiner decides it, so no group of copies is ever gathered: it carries the one record kept
 * and, for each copy, only the small drop entry the accounting needs (combined before the shuffle,
 * so a text repeated 10,000 times in one file crosses the network as one record).
 */
public final class DropDuplicateInputs
    extends PTransform<PCollection<FlanRecord>, PCollectionTuple> {

  static final Comparator<FlanRecord> KEEP_FIRST =
      Comparator.comparing((FlanRecord r) -> r.submix().ordinal())
          .thenComparing(r -> Objects.toString(r.taskName(), ""))
          .thenComparing(r -> Objects.toString(r.templateType(), ""))
          .thenComparing(r -> r.templateIdx() == null ? Integer.MAX_VALUE : r.templateIdx())
          .thenComparing(r -> Objects.toString(r.targets(), ""))
          .thenComparing(r -> r.origin().file())
          .thenComparingLong(r -> r.origin().line());

  @Override
  public PCollectionTuple expand(PCollection<FlanRecord> records) {
    PCollectionTuple out =
        records
            .apply(
                "KeyByInputs",
                WithKeys.of((FlanRecord r) -> Hashes.sha256Hex(r.inputs()))
                    .withKeyType(TypeDescriptors.strings()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), Outcomes.RECORD_CODER))
            .apply("KeepFirstOfSameInputs", Combine.perKey(new KeepFirstFn()))
            .apply(
                "KeptAndCopies",
                ParDo.of(new SplitFn())
                    .withOutputTags(Outcomes.RECORDS, TupleTagList.of(Outcomes.DROPPED)));
    return Outcomes.withCoders(out);
  }

  /** The record kept so far and the copies dropped so far (their drop entries, not the records). */
  record Kept(FlanRecord first, List<DroppedRecord> copies) {}

  static final class KeepFirstFn extends Combine.CombineFn<FlanRecord, Kept, Kept> {
    @Override
    public Kept createAccumulator() {
      return new Kept(null, new ArrayList<>());
    }

    @Override
    public Kept addInput(Kept acc, FlanRecord r) {
      if (acc.first() == null) {
        return new Kept(r, acc.copies());
      }
      FlanRecord keep = KEEP_FIRST.compare(r, acc.first()) < 0 ? r : acc.first();
      FlanRecord drop = keep == r ? acc.first() : r;
      acc.copies().add(DroppedRecord.of(drop, DropReason.DUPLICATE_INPUT, null));
      return new Kept(keep, acc.copies());
    }

    @Override
    public Kept mergeAccumulators(Iterable<Kept> accs) {
      Kept merged = createAccumulator();
      for (Kept a : accs) {
        merged.copies().addAll(a.copies());
        if (a.first() != null) {
          merged = addInput(merged, a.first());
        }
      }
      return merged;
    }

    @Override
    public Kept extractOutput(Kept acc) {
      return acc;
    }

    @Override
    public Coder<Kept> getAccumulatorCoder(CoderRegistry registry, Coder<FlanRecord> in) {
      return new KeptCoder();
    }

    @Override
    public Coder<Kept> getDefaultOutputCoder(CoderRegistry registry, Coder<FlanRecord> in) {
      return new KeptCoder();
    }
  }

  static final class SplitFn extends DoFn<KV<String, Kept>, FlanRecord> {
    @ProcessElement
    public void process(@Element KV<String, Kept> group, MultiOutputReceiver out) {
      FlanRecord kept = group.getValue().first();
      out.get(Outcomes.RECORDS).output(kept);
      String detail = "same inputs as " + kept.id() + " at " + kept.origin();
      for (DroppedRecord d : group.getValue().copies()) {
        out.get(Outcomes.DROPPED)
            .output(
                new DroppedRecord(
                    d.id(),
                    d.source(),
                    d.taskName(),
                    d.templateType(),
                    d.reason(),
                    detail,
                    d.inputFile(),
                    d.inputLine(),
                    null));
      }
    }
  }

  static final class KeptCoder extends CustomCoder<Kept> {
    private static final Coder<FlanRecord> FIRST = NullableCoder.of(Outcomes.RECORD_CODER);
    private static final Coder<List<DroppedRecord>> COPIES = ListCoder.of(Outcomes.DROPPED_CODER);

    @Override
    public void encode(Kept k, OutputStream out) throws IOException {
      FIRST.encode(k.first(), out);
      COPIES.encode(k.copies(), out);
    }

    @Override
    public Kept decode(InputStream in) throws IOException {
      FlanRecord first = FIRST.decode(in);
      return new Kept(first, new ArrayList<>(COPIES.decode(in)));
    }
  }
}
