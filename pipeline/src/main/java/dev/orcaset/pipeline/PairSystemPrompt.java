package dev.orcaset.pipeline;

import dev.orcaset.flan.FlanRecord;
import dev.orcaset.prompts.SystemPrompt;
import dev.orcaset.prompts.SystemPromptSet;
import java.util.Optional;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Pairs each record with a system prompt drawn, by weight, from those its submix may use. The
 * draw is a function of (record id, seed): re-runs pair identically.
 *
 * <p>Output: {@link Outcomes#QUERIES}; {@link Outcomes#DROPPED} with reason
 * {@value #NO_PROMPT} for a submix that no prompt in the index may serve.
 */
public final class PairSystemPrompt extends PTransform<PCollection<FlanRecord>, PCollectionTuple> {
  public static final String NO_PROMPT = "no_system_prompt";

  private final SystemPromptSet prompts;
  private final long seed;

  public PairSystemPrompt(SystemPromptSet prompts, long seed) {
    this.prompts = prompts;
    this.seed = seed;
  }

  @Override
  public PCollectionTuple expand(PCollection<FlanRecord> records) {
    PCollectionTuple out = records.apply("ChoosePrompt", ParDo.of(new PairFn(prompts, seed))
        .withOutputTags(Outcomes.QUERIES, TupleTagList.of(Outcomes.DROPPED)));
    return Outcomes.withCoders(out);
  }

  static final class PairFn extends DoFn<FlanRecord, Query> {
    private final SystemPromptSet prompts;
    private final long seed;

    PairFn(SystemPromptSet prompts, long seed) {
      this.prompts = prompts;
      this.seed = seed;
    }

    @ProcessElement
    public void process(@Element FlanRecord r, MultiOutputReceiver out) {
      String id = r.id();
      Optional<SystemPrompt> prompt = prompts.choose(id, r.submix().configName(), seed);
      if (prompt.isPresent()) {
        out.get(Outcomes.QUERIES).output(new Query(id, r, prompt.get()));
      } else {
        out.get(Outcomes.DROPPED).output(DroppedRecord.of(r, NO_PROMPT, "no prompt in the index has a weight for "
            + r.submix().configName() + " and none for 'default'"));
      }
    }
  }
}
