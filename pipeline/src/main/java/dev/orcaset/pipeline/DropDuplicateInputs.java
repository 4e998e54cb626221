package dev.orcaset.pipeline;

import dev.orcaset.model.DropReason;
import dev.orcaset.model.DroppedRecord;
import dev.orcaset.model.FlanRecord;
import dev.orcaset.model.Hashes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
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
 * reason {@value #REASON} naming the record kept. Which one is kept does not depend on file order:
 * the smallest by (submix, task, template type, template index, targets, origin).
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
            .apply("GroupSameInputs", GroupByKey.create())
            .apply(
                "KeepOne",
                ParDo.of(new KeepOneFn())
                    .withOutputTags(Outcomes.RECORDS, TupleTagList.of(Outcomes.DROPPED)));
    return Outcomes.withCoders(out);
  }

  static final class KeepOneFn extends DoFn<KV<String, Iterable<FlanRecord>>, FlanRecord> {
    @ProcessElement
    public void process(@Element KV<String, Iterable<FlanRecord>> group, MultiOutputReceiver out) {
      List<FlanRecord> same = new ArrayList<>();
      group.getValue().forEach(same::add);
      same.sort(KEEP_FIRST);
      FlanRecord kept = same.get(0);
      out.get(Outcomes.RECORDS).output(kept);
      for (FlanRecord dup : same.subList(1, same.size())) {
        out.get(Outcomes.DROPPED)
            .output(
                DroppedRecord.of(
                    dup,
                    DropReason.DUPLICATE_INPUT,
                    "same inputs as " + kept.id() + " at " + kept.origin()));
      }
    }
  }
}
