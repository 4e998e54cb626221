package dev.orcaset.pipeline;

import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Keeps answers fit to train on. For now one rule: an empty or whitespace-only response is
 * useless and is dropped with reason {@value #EMPTY}. Further quality gates (truncation,
 * refusals, duplicates) belong here.
 *
 * <p>Output: {@link Outcomes#SAMPLES}; {@link Outcomes#DROPPED} with the rule that dropped each.
 */
public final class FilterResponses extends PTransform<PCollection<Sample>, PCollectionTuple> {
  public static final String EMPTY = "empty_response";

  @Override
  public PCollectionTuple expand(PCollection<Sample> samples) {
    PCollectionTuple out = samples.apply("ApplyQualityRules", ParDo.of(new DoFn<Sample, Sample>() {
      @ProcessElement
      public void process(@Element Sample s, MultiOutputReceiver o) {
        if (s.response() == null || s.response().isBlank()) {
          o.get(Outcomes.DROPPED).output(new DroppedRecord(s.id(), s.source(), s.taskName(),
              s.templateType(), EMPTY, "finish_reason=" + s.finishReason(), s.inputFile(), s.inputLine()));
        } else {
          o.get(Outcomes.SAMPLES).output(s);
        }
      }
    }).withOutputTags(Outcomes.SAMPLES, TupleTagList.of(Outcomes.DROPPED)));
    return Outcomes.withCoders(out);
  }
}
