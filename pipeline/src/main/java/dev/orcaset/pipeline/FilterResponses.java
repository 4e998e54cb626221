package dev.orcaset.pipeline;

import dev.orcaset.config.QualityConfig;
import dev.orcaset.model.DroppedRecord;
import dev.orcaset.model.Sample;
import dev.orcaset.quality.QualityGates;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Keeps answers fit to train on: each answer passes the configured quality gates in order (finish
 * reason, empty, refusal, no explanation, too short), then exact duplicate responses to different
 * questions are dropped but one.
 *
 * <p>Output: {@link Outcomes#SAMPLES}; {@link Outcomes#DROPPED} with the rule that dropped each and
 * the whole sample, for `filtered/`.
 */
public final class FilterResponses extends PTransform<PCollection<Sample>, PCollectionTuple> {
  private final QualityConfig quality;

  public FilterResponses(QualityConfig quality) {
    this.quality = quality;
  }

  @Override
  public PCollectionTuple expand(PCollection<Sample> samples) {
    PCollectionTuple gated =
        Outcomes.withCoders(
            samples.apply(
                "ApplyQualityRules",
                ParDo.of(new GateFn(QualityGates.of(quality)))
                    .withOutputTags(Outcomes.SAMPLES, TupleTagList.of(Outcomes.DROPPED))));
    if (!quality.duplicateResponse().enabled()) {
      return gated;
    }
    PCollectionTuple unique =
        gated.get(Outcomes.SAMPLES).apply("DropDuplicateResponses", new DropDuplicateResponses());
    PCollection<DroppedRecord> dropped =
        PCollectionList.of(gated.get(Outcomes.DROPPED))
            .and(unique.get(Outcomes.DROPPED))
            .apply("AllFiltered", Flatten.pCollections())
            .setCoder(Outcomes.DROPPED_CODER);
    return PCollectionTuple.of(Outcomes.SAMPLES, unique.get(Outcomes.SAMPLES))
        .and(Outcomes.DROPPED, dropped);
  }

  static final class GateFn extends DoFn<Sample, Sample> {
    private final QualityGates gates;

    GateFn(QualityGates gates) {
      this.gates = gates;
    }

    @ProcessElement
    public void process(@Element Sample s, MultiOutputReceiver o) {
      gates
          .firstFailure(s)
          .ifPresentOrElse(
              f -> o.get(Outcomes.DROPPED).output(DroppedRecord.of(s, f.reason(), f.detail())),
              () -> o.get(Outcomes.SAMPLES).output(s));
    }
  }
}
