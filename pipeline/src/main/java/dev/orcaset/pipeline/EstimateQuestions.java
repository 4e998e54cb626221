package dev.orcaset.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orcaset.cost.TokenEstimate;
import dev.orcaset.io.Json;
import dev.orcaset.io.JsonFiles;
import dev.orcaset.model.Question;
import dev.orcaset.pipeline.Tally.Measure;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.PDone;

/**
 * Counts and sizes the questions a run would send, without sending them (those the journal already
 * answers are counted apart, as they cost nothing): questions per submix, prompt tokens estimated
 * as providers count them (about four characters a token), the answer tokens `max_tokens` reserves,
 * and the inputs left out on the way. Writes `OUTPUT/estimate.json`.
 */
public final class EstimateQuestions extends PTransform<PCollectionTuple, PDone> {
  private final RunInfo info;
  private final int maxTokens;

  /**
   * Input: {@link Outcomes#QUESTIONS} still to send, {@link Outcomes#SAMPLES} and {@link
   * Outcomes#FAILED} the journal answers instead, {@link Outcomes#LINES}, {@link Outcomes#REJECTED}
   * and {@link Outcomes#DROPPED} as read and left out.
   */
  public EstimateQuestions(RunInfo info, int maxTokens) {
    this.info = info;
    this.maxTokens = maxTokens;
  }

  /** Estimated prompt tokens of one question: both messages' characters / 4. */
  public static long promptTokens(Question q) {
    return TokenEstimate.fromChars(q.systemPrompt().length() + q.record().inputs().length());
  }

  @Override
  public PDone expand(PCollectionTuple in) {
    PCollectionView<Map<Tally, Long>> tallies =
        PCollectionList.of(
                CountOutcomes.tally(
                    in.get(Outcomes.QUESTIONS),
                    "Questions",
                    q ->
                        List.of(
                            Tally.one(Measure.QUESTIONS),
                            Tally.one(Measure.QUESTIONS_BY_SOURCE, q.submix()),
                            Tally.of(Measure.PROMPT_TOKENS, promptTokens(q)))))
            .and(
                CountOutcomes.tally(
                    in.get(Outcomes.LINES),
                    "Lines",
                    n -> List.of(Tally.of(Measure.COUNTS, n, "input_records"))))
            .and(
                CountOutcomes.tally(
                    in.get(Outcomes.REJECTED),
                    "Rejected",
                    r -> List.of(Tally.one(Measure.COUNTS, "rejected"))))
            .and(
                CountOutcomes.tally(
                    in.get(Outcomes.DROPPED),
                    "Dropped",
                    d -> List.of(Tally.one(Measure.COUNTS, d.outcome().wireName()))))
            .and(
                in.has(Outcomes.USAGE)
                    ? CountOutcomes.tally(
                        in.get(Outcomes.USAGE),
                        "Reused",
                        u ->
                            List.of(
                                Tally.of(
                                    Measure.REUSED_FROM_JOURNAL,
                                    u.reusedAnswers() + u.reusedFailures()),
                                Tally.of(
                                    Measure.TEACHER_USAGE,
                                    u.reusedAcrossLimits(),
                                    "reused_across_max_tokens"),
                                Tally.of(
                                    Measure.TEACHER_USAGE,
                                    u.reaskedTruncated(),
                                    "reasked_truncated")))
                    : in.getPipeline().apply("NothingReused", Create.empty(Tally.KV_CODER)))
            .apply("All", Flatten.pCollections())
            .apply("Sum", Sum.longsPerKey())
            .apply("AsMap", View.asMap());
    in.getPipeline()
        .apply("Once", Create.of("estimate.json"))
        .apply("Write", ParDo.of(new WriteFn(info, maxTokens, tallies)).withSideInputs(tallies));
    return PDone.in(in.getPipeline());
  }

  static ObjectNode document(RunInfo info, int maxTokens, Tallies t) {
    ObjectNode root = Json.mapper().createObjectNode();
    long questions = t.get(Measure.QUESTIONS);
    long prompt = t.get(Measure.PROMPT_TOKENS);
    root.put("input_records", t.get(Measure.COUNTS, "input_records"));
    root.put("questions", questions);
    root.put("reused_from_journal", t.get(Measure.REUSED_FROM_JOURNAL));
    // Of those, finished answers saved under another max_tokens; and the questions whose saved
    // answer was cut off, asked again (they are in `questions`).
    root.put("reused_across_max_tokens", t.get(Measure.TEACHER_USAGE, "reused_across_max_tokens"));
    root.put("reasked_truncated", t.get(Measure.TEACHER_USAGE, "reasked_truncated"));
    root.set("questions_by_source", ManifestSections.group(t, Measure.QUESTIONS_BY_SOURCE));
    root.put("rejected", t.get(Measure.COUNTS, "rejected"));
    root.put("duplicates", t.get(Measure.COUNTS, "duplicates"));
    root.put("filtered", t.get(Measure.COUNTS, "filtered"));
    root.put("prompt_tokens_estimate", prompt);
    root.put("completion_tokens_max", questions * maxTokens);
    ObjectNode cost = root.putObject("cost");
    if (info.price() == null) {
      cost.putNull("prompt_usd");
    } else {
      cost.put("prompt_usd", info.price().usd(prompt, 0));
      cost.put("completion_usd_max", info.price().usd(0, questions * maxTokens));
      cost.put("price_as_of", info.price().asOf());
      cost.put("price_source", info.price().source());
    }
    return root;
  }

  static final class WriteFn extends DoFn<String, Void> {
    private final RunInfo info;
    private final int maxTokens;
    private final PCollectionView<Map<Tally, Long>> tallies;

    WriteFn(RunInfo info, int maxTokens, PCollectionView<Map<Tally, Long>> tallies) {
      this.info = info;
      this.maxTokens = maxTokens;
      this.tallies = tallies;
    }

    @ProcessElement
    public void process(@Element String name, ProcessContext c) throws IOException {
      JsonFiles.write(
          info.outputDir(), name, document(info, maxTokens, new Tallies(c.sideInput(tallies))));
    }
  }
}
