package dev.orcaset.pipeline;

import dev.orcaset.config.SamplingConfig;
import dev.orcaset.config.TierConfig;
import dev.orcaset.model.FlanRecord;
import dev.orcaset.model.Question;
import dev.orcaset.prompts.SystemPromptSet;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * A later teacher tier's questions, picked from the tier before it: the same sampling ({@link
 * SampleSubmixes}, same seed, hash order and balance) with the tier's smaller quotas, so the pick
 * is a nested subset, and each picked record paired again ({@link PairSystemPrompt}), which gives
 * it the same system prompt, with the tier's own teacher parameters in the request.
 *
 * <p>Records the pick leaves out are still in the tier before it, so nothing is dropped here; the
 * length check is the first tier's, which every record already passed.
 */
public final class PickTierQuestions
    extends PTransform<PCollection<Question>, PCollection<Question>> {
  private final TierConfig tier;
  private final SamplingConfig runSampling;
  private final SystemPromptSet prompts;
  private final long maxInputTokens;

  public PickTierQuestions(
      TierConfig tier, SamplingConfig runSampling, SystemPromptSet prompts, long maxInputTokens) {
    this.tier = tier;
    this.runSampling = runSampling;
    this.prompts = prompts;
    this.maxInputTokens = maxInputTokens;
  }

  @Override
  public PCollection<Question> expand(PCollection<Question> earlier) {
    PCollection<FlanRecord> records =
        earlier
            .apply(
                "TheirRecords",
                MapElements.into(TypeDescriptor.of(FlanRecord.class)).via(Question::record))
            .setCoder(Outcomes.RECORD_CODER);
    PCollection<FlanRecord> picked =
        records
            .apply("Pick", new SampleSubmixes(tier.sampling(runSampling), null))
            .get(Outcomes.RECORDS);
    return picked
        .apply(
            "PairSystemPrompt",
            new PairSystemPrompt(prompts, runSampling.seed(), tier.teacher(), maxInputTokens))
        .get(Outcomes.QUESTIONS);
  }
}
