package dev.orcaset.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orcaset.config.JudgeConfig;
import dev.orcaset.cost.Price;
import dev.orcaset.cost.TokenEstimate;
import dev.orcaset.io.Json;
import dev.orcaset.io.JsonFiles;
import dev.orcaset.model.Question;
import dev.orcaset.model.TargetCheck;
import dev.orcaset.pipeline.Tally.Measure;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Counts and sizes the questions a run would send, without sending them (those the journal already
 * answers are counted apart, as they cost nothing): questions per submix, prompt tokens estimated
 * as providers count them (about four characters a token), the answer tokens `max_tokens` reserves,
 * and the inputs left out on the way. Writes `OUTPUT/estimate.json`.
 */
public final class EstimateQuestions extends PTransform<PCollectionTuple, PDone> {
  private final RunInfo info;
  private final int maxTokens;
  private final Judge judge;

  /**
   * The LLM judge as the estimate sizes it: which rows it grades, its rubric's length in tokens,
   * its own answer bound. Null without a judge.
   */
  public record Judge(JudgeConfig config, long rubricTokens) implements java.io.Serializable {
    /** Prompt tokens of grading one row whose parts (question, answer…) have {@code chars}. */
    long promptTokens(long chars) {
      return rubricTokens + TokenEstimate.fromChars(chars + HEADINGS);
    }

    /**
     * One grade's tallies: a request, and the prompt tokens of a row whose parts have {@code
     * chars}, plus {@code answerTokens} for an answer not yet written.
     */
    List<KV<Tally, Long>> grade(long chars, long answerTokens) {
      return List.of(
          Tally.one(Measure.JUDGE_USAGE, "requests"),
          Tally.of(Measure.JUDGE_USAGE, promptTokens(chars) + answerTokens, "prompt_tokens"));
    }

    /** The headings {@code Judgement.question} puts around a row's parts, in characters. */
    private static final int HEADINGS = 200;
  }

  /**
   * Input: {@link Outcomes#QUESTIONS} still to send, {@link Outcomes#SAMPLES} and {@link
   * Outcomes#FAILED} the journal answers instead, {@link Outcomes#LINES}, {@link Outcomes#REJECTED}
   * and {@link Outcomes#DROPPED} as read and left out.
   */
  public EstimateQuestions(RunInfo info, int maxTokens, Judge judge) {
    this.info = info;
    this.maxTokens = maxTokens;
    this.judge = judge;
  }

  /** Optional: each later tier's questions still to send, by tier number. */
  static final TupleTag<KV<Integer, Question>> TIER_QUESTIONS = new TupleTag<>("tier-questions") {};

  static final Coder<KV<Integer, Question>> TIER_QUESTION_CODER =
      KvCoder.of(VarIntCoder.of(), Outcomes.QUESTION_CODER);

  /** Optional: what each later tier's journal answers instead. */
  static final TupleTag<KV<Integer, TeacherUsage>> TIER_REUSED = CountOutcomes.TIER_USAGE;

  /**
   * Each tier's questions to send, by submix, and their prompt tokens; and the answers its journal
   * holds. Tier 1's are counted here too, so every tier is read the same way.
   */
  private static PCollectionList<KV<Tally, Long>> tierTallies(
      PCollectionList<KV<Tally, Long>> all, PCollectionTuple in) {
    if (!in.has(TIER_QUESTIONS)) {
      return all;
    }
    all =
        all.and(
            CountOutcomes.tally(
                in.get(Outcomes.QUESTIONS), "TierOneQuestions", q -> tierQuestion(1, q)));
    all =
        all.and(
            CountOutcomes.tally(
                in.get(TIER_QUESTIONS),
                "TierQuestions",
                kv -> tierQuestion(kv.getKey(), kv.getValue())));
    if (in.has(TIER_REUSED)) {
      all =
          all.and(
              CountOutcomes.tally(
                  in.get(TIER_REUSED),
                  "TierReused",
                  kv ->
                      List.of(
                          Tally.of(
                              Measure.TIER_USAGE,
                              kv.getValue().reusedAnswers() + kv.getValue().reusedFailures(),
                              String.valueOf(kv.getKey()),
                              "reused"))));
    }
    return all;
  }

  private static List<KV<Tally, Long>> tierQuestion(int tier, Question q) {
    String n = String.valueOf(tier);
    return List.of(
        Tally.one(Measure.TIER_ROWS, n, q.submix(), "questions"),
        Tally.of(Measure.TIER_USAGE, promptTokens(q), n, "prompt_tokens"));
  }

  /** The journal's answers and failures fill their submixes' quotas too. */
  private static PCollectionList<KV<Tally, Long>> reusedTallies(
      PCollectionList<KV<Tally, Long>> all, PCollectionTuple in) {
    if (in.has(Outcomes.SAMPLES)) {
      all =
          all.and(
              CountOutcomes.tally(
                  in.get(Outcomes.SAMPLES),
                  "ReusedBySource",
                  s -> List.of(Tally.one(Measure.SAMPLES_BY_SOURCE, s.source()))));
    }
    if (in.has(Outcomes.FAILED)) {
      all =
          all.and(
              CountOutcomes.tally(
                  in.get(Outcomes.FAILED),
                  "ReusedFailuresBySource",
                  f -> List.of(Tally.one(Measure.FAILED_BY_SOURCE, f.source()))));
    }
    return all;
  }

  /**
   * What grading the answers would take: every question still to send may need a grade (whether its
   * answer can be checked against the target is known only once it is answered), its answer at most
   * {@code max_tokens}; of the answers the journal holds, those the judge would grade.
   */
  private PCollectionList<KV<Tally, Long>> judgeTallies(
      PCollectionList<KV<Tally, Long>> all, PCollectionTuple in) {
    if (judge == null) {
      return all;
    }
    Judge j = judge;
    int bound = maxTokens;
    all =
        all.and(
            CountOutcomes.tally(
                in.get(Outcomes.QUESTIONS),
                "JudgeQuestions",
                q ->
                    j.grade(
                        q.systemPrompt().length()
                            + q.record().inputs().length()
                            + String.valueOf(q.record().targets()).length(),
                        bound)));
    if (in.has(Outcomes.SAMPLES)) {
      all =
          all.and(
              CountOutcomes.tally(
                  in.get(Outcomes.SAMPLES),
                  "JudgeReused",
                  s ->
                      j.config().judges(s.targetCheck() != TargetCheck.Verdict.UNCHECKED)
                          ? j.grade(
                              s.systemPrompt().length()
                                  + s.question().length()
                                  + String.valueOf(s.referenceAnswer()).length()
                                  + s.response().length(),
                              0)
                          : List.of()));
    }
    return all;
  }

  /** Estimated prompt tokens of one question: both messages' characters / 4. */
  public static long promptTokens(Question q) {
    return TokenEstimate.fromChars(q.systemPrompt().length() + q.record().inputs().length());
  }

  @Override
  public PDone expand(PCollectionTuple in) {
    PCollectionList<KV<Tally, Long>> all =
        PCollectionList.of(
                CountOutcomes.tally(
                    in.get(Outcomes.QUESTIONS),
                    "Questions",
                    q ->
                        List.of(
                            Tally.one(Measure.QUESTIONS),
                            Tally.one(Measure.QUESTIONS_BY_SOURCE, q.submix()),
                            // For the quotas: a question to send fills its submix's quota.
                            Tally.one(Measure.SAMPLES_BY_SOURCE, q.submix()),
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
                    d ->
                        List.of(
                            Tally.one(Measure.COUNTS, d.outcome().wireName()),
                            Tally.one(
                                Measure.DROPPED_BY_SOURCE_AND_REASON,
                                d.source(),
                                d.reason().wireName()))))
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
                    : in.getPipeline().apply("NothingReused", Create.empty(Tally.KV_CODER)));
    PCollectionView<Map<Tally, Long>> tallies =
        tierTallies(judgeTallies(reusedTallies(all, in), in), in)
            .apply("All", Flatten.pCollections())
            .apply("Sum", Sum.longsPerKey())
            .apply("AsMap", View.asMap());
    in.getPipeline()
        .apply("Once", Create.of("estimate.json"))
        .apply(
            "Write",
            ParDo.of(new WriteFn(info, maxTokens, judge, tallies)).withSideInputs(tallies));
    return PDone.in(in.getPipeline());
  }

  static ObjectNode document(RunInfo info, int maxTokens, Judge judge, Tallies t) {
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
    JsonNode config = config(info);
    root.set("quotas", ManifestSections.quotas(t, config.path("sampling")));
    if (judge != null) {
      root.set("judge", judgeDocument(info, judge, t));
    }
    JsonNode tiers = config.path("tiers");
    if (tiers.isArray() && !tiers.isEmpty()) {
      root.set("tiers", tiersDocument(info, config, t));
    }
    return root;
  }

  /**
   * Per teacher tier: its teacher and mode, its questions to send by submix, their prompt tokens,
   * the answer tokens its `max_tokens` reserves, and the cost at its own price (in its mode).
   */
  private static ArrayNode tiersDocument(RunInfo info, JsonNode config, Tallies t) {
    ArrayNode out = Json.mapper().createArrayNode();
    JsonNode later = config.path("tiers");
    for (int n = 1; n <= later.size() + 1; n++) {
      JsonNode teacher = n == 1 ? config.path("teacher") : later.get(n - 2).path("teacher");
      String label = String.valueOf(n);
      Map<String, Long> bySource = new TreeMap<>();
      for (Map.Entry<List<String>, Long> e : t.entries(Measure.TIER_ROWS)) {
        if (e.getKey().get(0).equals(label)) {
          bySource.put(e.getKey().get(1), e.getValue());
        }
      }
      long questions = bySource.values().stream().mapToLong(Long::longValue).sum();
      long prompt = t.get(Measure.TIER_USAGE, label, "prompt_tokens");
      long completion = questions * teacher.path("max_tokens").asLong();
      ObjectNode tier =
          out.addObject()
              .put("tier", n)
              .put("provider", teacher.path("provider").asText())
              .put("model", teacher.path("model").asText())
              .put("mode", teacher.path("mode").asText("online"))
              .put("questions", questions);
      bySource.forEach(tier.putObject("questions_by_source")::put);
      tier.put(
              "reused_from_journal",
              n == 1
                  ? t.get(Measure.REUSED_FROM_JOURNAL)
                  : t.get(Measure.TIER_USAGE, label, "reused"))
          .put("prompt_tokens", prompt)
          .put("max_tokens", teacher.path("max_tokens").asLong())
          .put("completion_tokens_max", completion);
      Price price = info.priceOfTier(n);
      if (price == null) {
        tier.putNull("cost_usd_max");
      } else {
        tier.put("cost_usd_max", Math.round(price.usd(prompt, completion) * 1e4) / 1e4)
            .put("price_source", price.source());
      }
    }
    return out;
  }

  private static JsonNode config(RunInfo info) {
    try {
      return Json.mapper().readTree(info.configJson());
    } catch (java.io.IOException | RuntimeException e) {
      return Json.mapper().createObjectNode();
    }
  }

  /** The judge's share: grades at most, their tokens, their price. */
  private static ObjectNode judgeDocument(RunInfo info, Judge judge, Tallies t) {
    long rows = t.get(Measure.JUDGE_USAGE, "requests");
    long prompt = t.get(Measure.JUDGE_USAGE, "prompt_tokens");
    long completion = rows * judge.config().teacher().maxTokens();
    ObjectNode out = Json.mapper().createObjectNode();
    out.put("model", judge.config().teacher().model())
        .put("rows", judge.config().rows())
        .put("grades_at_most", rows)
        .put("prompt_tokens_max", prompt)
        .put("completion_tokens_max", completion);
    if (info.judgePrice() == null) {
      out.putNull("cost_usd_max");
    } else {
      out.put("cost_usd_max", Math.round(info.judgePrice().usd(prompt, completion) * 1e4) / 1e4);
      out.put("price_as_of", info.judgePrice().asOf());
    }
    out.put(
        "note",
        "an upper bound: the judge's journal is not consulted, every answer still to get is counted"
            + (JudgeConfig.UNCHECKED.equals(judge.config().rows())
                ? " (whether it can be checked against the target is known once it is answered)"
                : "")
            + ", and each at max_tokens");
    return out;
  }

  static final class WriteFn extends DoFn<String, Void> {
    private final RunInfo info;
    private final int maxTokens;
    private final Judge judge;
    private final PCollectionView<Map<Tally, Long>> tallies;

    WriteFn(RunInfo info, int maxTokens, Judge judge, PCollectionView<Map<Tally, Long>> tallies) {
      this.info = info;
      this.maxTokens = maxTokens;
      this.judge = judge;
      this.tallies = tallies;
    }

    @ProcessElement
    public void process(@Element String name, ProcessContext c) throws IOException {
      JsonFiles.write(
          info.outputDir(),
          name,
          document(info, maxTokens, judge, new Tallies(c.sideInput(tallies))));
    }
  }
}
