package dev.orcaset.pipeline;

import dev.orcaset.model.DropReason;
import dev.orcaset.model.DroppedRecord;
import dev.orcaset.model.Hashes;
import dev.orcaset.model.Sample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 * The same response to different questions is a template answer, not an explanation of either
 * question; one copy is kept (the smallest request hash, so the choice does not depend on arrival
 * order) and the others dropped with rule `duplicate_response`. Responses are compared after
 * trimming and collapsing whitespace.
 */
public final class DropDuplicateResponses
    extends PTransform<PCollection<Sample>, PCollectionTuple> {
  private static final Comparator<Sample> KEEP_FIRST =
      Comparator.comparing(Sample::requestHash).thenComparing(Sample::id);

  @Override
  public PCollectionTuple expand(PCollection<Sample> samples) {
    PCollectionTuple out =
        samples
            .apply(
                "KeyByResponse",
                WithKeys.of((Sample s) -> Hashes.sha256Hex(normalize(s.response())))
                    .withKeyType(TypeDescriptors.strings()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), Outcomes.SAMPLE_CODER))
            .apply("GroupSameResponses", GroupByKey.create())
            .apply(
                "KeepOne",
                ParDo.of(new KeepOneFn())
                    .withOutputTags(Outcomes.SAMPLES, TupleTagList.of(Outcomes.DROPPED)));
    return Outcomes.withCoders(out);
  }

  static String normalize(String response) {
    return response.strip().replaceAll("\\s+", " ");
  }

  static final class KeepOneFn extends DoFn<KV<String, Iterable<Sample>>, Sample> {
    @ProcessElement
    public void process(@Element KV<String, Iterable<Sample>> group, MultiOutputReceiver out) {
      List<Sample> same = new ArrayList<>();
      group.getValue().forEach(same::add);
      same.sort(KEEP_FIRST);
      Sample kept = same.get(0);
      out.get(Outcomes.SAMPLES).output(kept);
      for (Sample dup : same.subList(1, same.size())) {
        out.get(Outcomes.DROPPED)
            .output(
                DroppedRecord.of(
                    dup,
                    DropReason.DUPLICATE_RESPONSE,
                    "same response as "
                        + kept.id()
                        + " (request "
                        + kept.requestHash().substring(0, 12)
                        + ")"));
      }
    }
  }
}
