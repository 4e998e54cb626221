package dev.orcaset.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orcaset.cost.TokenEstimate;
import dev.orcaset.flan.Rejection;
import dev.orcaset.io.Json;
import dev.orcaset.io.JsonFiles;
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
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.PDone;

/**
 * Counts and sizes the questions a run would send, without sending them (those the journal
 * already answers are counted apart, as they cost nothing): questions per submix,
 * prompt tokens estimated as providers count them (about four characters a token), the answer
 * tokens `max_tokens` reserves, and the inputs left out on the way. Writes `OUTPUT/estimate.json`.
 */
public final class EstimateQuestions extends PTransform<PBegin, PDone> {
  private final PCollection<Query> queries;
  private final PCollection<Long> inputLines;
  private final PCollection<Rejection> rejected;
  private final PCollection<DroppedRecord> dropped;
  private final RunInfo info;
  private final int maxTokens;
  private final PCollectionTuple reused;

  /** {@code queries} are those still to send; {@code reused} what the journal answers instead. */
  public EstimateQuestions(PCollection<Query> queries, PCollectionTuple reused, PCollection<Long> inputLines,
      PCollection<Rejection> rejected, PCollection<DroppedRecord> dropped, RunInfo info, int maxTokens) {
    this.reused = reused;
    this.queries = queries;
    this.inputLines = inputLines;
    this.rejected = rejected;
    this.dropped = dropped;
    this.info = info;
    this.maxTokens = maxTokens;
  }

  /** Estimated prompt tokens of one question: both messages' characters / 4. */
  public static long promptTokens(Query q) {
    return TokenEstimate.fromChars(q.systemPrompt().text().length() + q.record().inputs().length());
  }

  @Override
  public PDone expand(PBegin begin) {
    PCollectionView<Map<String, Long>> tallies = PCollectionList
        .of(CountOutcomes.tally(queries, "Questions", q -> List.of(KV.of("questions", 1L),
            KV.of("questions_by_source." + q.submix(), 1L), KV.of("prompt_tokens", promptTokens(q)))))
        .and(CountOutcomes.tally(inputLines, "Lines", n -> List.of(KV.of("input_records", n))))
        .and(CountOutcomes.tally(rejected, "Rejected", r -> List.of(KV.of("rejected", 1L))))
        .and(CountOutcomes.tally(dropped, "Dropped", d -> List.of(KV.of(d.outcome(), 1L))))
        .and(CountOutcomes.tally(reused.get(Outcomes.SAMPLES), "Reused", x -> List.of(KV.of("reused_from_journal", 1L))))
        .and(CountOutcomes.tally(reused.get(Outcomes.FAILED), "ReusedFailures", x -> List.of(KV.of("reused_from_journal", 1L))))
        .apply("All", Flatten.pCollections())
        .apply("Sum", Sum.longsPerKey())
        .apply("AsMap", View.asMap());
    begin.apply("Once", Create.of("estimate.json"))
        .apply("Write", ParDo.of(new WriteFn(info, maxTokens, tallies)).withSideInputs(tallies));
    return PDone.in(begin.getPipeline());
  }

  static ObjectNode document(RunInfo info, int maxTokens, Map<String, Long> t) {
    ObjectNode root = Json.mapper().createObjectNode();
    long questions = t.getOrDefault("questions", 0L);
    long prompt = t.getOrDefault("prompt_tokens", 0L);
    root.put("input_records", t.getOrDefault("input_records", 0L));
    root.put("questions", questions);
    root.put("reused_from_journal", t.getOrDefault("reused_from_journal", 0L));
    root.set("questions_by_source", CountOutcomes.group(t, "questions_by_source"));
    root.put("rejected", t.getOrDefault("rejected", 0L));
    root.put("duplicates", t.getOrDefault("duplicates", 0L));
    root.put("filtered", t.getOrDefault("filtered", 0L));
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
    private final PCollectionView<Map<String, Long>> tallies;

    WriteFn(RunInfo info, int maxTokens, PCollectionView<Map<String, Long>> tallies) {
      this.info = info;
      this.maxTokens = maxTokens;
      this.tallies = tallies;
    }

    @ProcessElement
    public void process(@Element String name, ProcessContext c) throws IOException {
      JsonFiles.write(info.outputDir(), name, document(info, maxTokens, c.sideInput(tallies)));
    }
  }
}
