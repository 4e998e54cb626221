package dev.orcaset.pipeline;

import dev.orcaset.config.OrcasetConfig;
import dev.orcaset.cost.TokenEstimate;
import dev.orcaset.model.DroppedRecord;
import dev.orcaset.model.FailedRequest;
import dev.orcaset.model.Question;
import dev.orcaset.model.QuestionType;
import dev.orcaset.model.Sample;
import dev.orcaset.model.Submix;
import dev.orcaset.quality.QualityGates;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The product in one method: read FLAN records, drop duplicate inputs, sample per submix, pair each
 * with a system prompt, take what the journal already holds, ask the teacher the rest, filter the
 * answers (and have a judge grade them), tag licenses, write the dataset, and account for every
 * input in the manifest.
 */
public final class OrcasetPipeline {
  private OrcasetPipeline() {}

  /**
   * The questions a run sends (tier 1's, then each later tier's nested subset), and every input
   * left out on the way, with its reason.
   */
  record Questions(
      PCollectionTuple read,
      PCollection<Question> questions,
      List<PCollection<DroppedRecord>> dropped,
      List<PCollection<Question>> laterTiers) {}

  /** Everything before the teacher: shared by a run and by its cost estimate. */
  static Questions questions(Pipeline p, OrcasetConfig cfg, RunPlan plan) {
    PCollectionTuple read = p.apply("ReadFlanRecords", new ReadFlanRecords(cfg.input().paths()));
    PCollectionTuple unique =
        read.get(Outcomes.RECORDS).apply("DropDuplicateInputs", new DropDuplicateInputs());
    List<PCollection<DroppedRecord>> dropped =
        new ArrayList<>(List.of(unique.get(Outcomes.DROPPED)));
    if (cfg.quality().nearDuplicateInput().enabled()) {
      unique =
          unique
              .get(Outcomes.RECORDS)
              .apply(
                  "DropNearDuplicateInputs",
                  new DropNearDuplicateInputs(cfg.quality().nearDuplicateInput().threshold()));
      dropped.add(unique.get(Outcomes.DROPPED));
    }
    PCollectionTuple sampled =
        unique
            .get(Outcomes.RECORDS)
            .apply("SampleSubmixes", new SampleSubmixes(cfg.sampling(), cfg.limit()));
    PCollectionTuple paired =
        sampled
            .get(Outcomes.RECORDS)
            .apply(
                "PairSystemPrompt",
                new PairSystemPrompt(plan.prompts(), cfg.sampling().seed(), cfg.teacher()));
    dropped.add(sampled.get(Outcomes.DROPPED));
    dropped.add(paired.get(Outcomes.DROPPED));
    PCollection<Question> questions = paired.get(Outcomes.QUESTIONS);
    List<PCollection<Question>> laterTiers = new ArrayList<>();
    PCollection<Question> earlier = questions;
    for (int i = 0; i < cfg.tiers().size(); i++) {
      earlier =
          earlier.apply(
              "PickTier" + (i + 2) + "Questions",
              new PickTierQuestions(
                  cfg.tiers().get(i),
                  cfg.sampling(),
                  plan.prompts(),
                  cfg.teacher().maxInputTokens()));
      laterTiers.add(earlier);
    }
    return new Questions(read, questions, dropped, laterTiers);
  }

  /**
   * Writes the run into {@code plan.info().outputDir()} (the staging folder the launcher switches
   * in when the job succeeds); the previous snapshot is read from `output.dir` for comparison.
   */
  public static void build(Pipeline p, RunPlan plan) {
    OrcasetConfig cfg = plan.config();
    String out = plan.info().outputDir();
    String snapshot = plan.info().snapshotId();

    Questions questions = questions(p, cfg, plan);
    TeacherResult answered =
        questions.questions().apply("AnswerQuestions", answerQuestions(plan, 1));
    List<TeacherResult> laterTiers = new ArrayList<>();
    for (int n = 2; n <= cfg.tiers().size() + 1; n++) {
      laterTiers.add(
          questions
              .laterTiers()
              .get(n - 2)
              .apply("AnswerTier" + n + "Questions", answerQuestions(plan, n)));
    }
    if (cfg.teacher().isBatch() && !cfg.teacher().batch().collect()) {
      return; // --no-wait: the batches are submitted and recorded; the same command collects them
    }
    // Each tier is filtered on its own: two tiers' answers to one question are not duplicates.
    PCollectionTuple kept =
        answered.answers().apply("FilterResponses", new FilterResponses(cfg.quality()));
    List<PCollection<Sample>> kepts = new ArrayList<>(List.of(kept.get(Outcomes.SAMPLES)));
    List<PCollection<DroppedRecord>> filtered = new ArrayList<>(questions.dropped());
    filtered.add(kept.get(Outcomes.DROPPED));
    List<PCollection<FailedRequest>> failures = new ArrayList<>(List.of(answered.failures()));
    List<PCollection<KV<Integer, TeacherUsage>>> tierUsage = new ArrayList<>();
    for (int n = 2; n <= cfg.tiers().size() + 1; n++) {
      TeacherResult tier = laterTiers.get(n - 2);
      PCollectionTuple k =
          tier.answers().apply("FilterTier" + n + "Responses", new FilterResponses(cfg.quality()));
      kepts.add(k.get(Outcomes.SAMPLES));
      filtered.add(k.get(Outcomes.DROPPED));
      failures.add(tier.failures());
      tierUsage.add(ofTier("Tier" + n + "Usage", tier.usage(), n));
    }
    PCollection<Sample> samples = flatten("AllTiersSamples", kepts, Outcomes.SAMPLE_CODER);
    PCollection<FailedRequest> failed = flatten("AllTiersFailed", failures, Outcomes.FAILED_CODER);
    PCollectionTuple judged = null;
    if (cfg.judge().enabled()) {
      judged = samples.apply("JudgeAnswers", judgeAnswers(plan));
      samples = judged.get(Outcomes.SAMPLES);
      filtered.add(judged.get(Outcomes.DROPPED));
    }
    PCollection<DroppedRecord> dropped =
        PCollectionList.of(filtered)
            .apply("AllDropped", Flatten.pCollections())
            .setCoder(Outcomes.DROPPED_CODER);

    WriteFilesResult<String> data =
        samples.apply(
            "WriteSamples",
            new WriteSamples(
                out + "/data",
                cfg.output().compression(),
                snapshot,
                cfg.prompts().trainingSystemPrompt()));
    PCollectionTuple read = questions.read();
    WriteFilesResult<String> records =
        PCollectionTuple.of(Outcomes.REJECTED, read.get(Outcomes.REJECTED))
            .and(Outcomes.FAILED, failed)
            .and(Outcomes.DROPPED, dropped)
            .apply("WriteRecords", new WriteRecords(out, snapshot));
    PCollectionTuple counted =
        PCollectionTuple.of(Outcomes.LINES, read.get(Outcomes.LINES))
            .and(Outcomes.REJECTED, read.get(Outcomes.REJECTED))
            .and(Outcomes.DROPPED, dropped)
            .and(Outcomes.FAILED, failed)
            .and(Outcomes.SAMPLES, samples)
            .and(CountOutcomes.USAGE, answered.usage())
            .and(
                CountOutcomes.SNAPSHOT,
                samples.apply(
                    "CompareWithPreviousSnapshot",
                    new CompareWithPreviousSnapshot(cfg.output().dataDir())));
    if (judged != null) {
      counted = counted.and(CountOutcomes.JUDGE_USAGE, judged.get(JudgeAnswers.USAGE));
    }
    if (!tierUsage.isEmpty()) {
      counted =
          counted.and(
              CountOutcomes.TIER_USAGE,
              flatten("AllTiersUsage", tierUsage, CountOutcomes.TIER_USAGE_CODER));
    }
    PCollection<KV<Tally, Long>> tallies = counted.apply("CountOutcomes", new CountOutcomes());
    PCollection<String> written =
        PCollectionList.of(fileNames("RecordFiles", records))
            .and(fileNames("DataFiles", data))
            .apply("AllFiles", Flatten.pCollections());
    PCollectionTuple.of(WriteManifest.TALLIES, tallies)
        .and(WriteManifest.DATA_FILES, fileNames("DataFileNames", data))
        .and(WriteManifest.WRITTEN, written)
        .apply(
            "WriteManifest",
            new WriteManifest(
                plan.info(),
                new WriteManifest.Described(
                    QualityGates.describe(cfg.quality()),
                    plan.prompts().files(),
                    plan.policy().sourceDatasets(),
                    expectedPromptShares(plan))));
  }

  /** Submix → question type → prompt id → the share of rows the index gives it. */
  private static Map<String, Map<String, Map<Integer, Double>>> expectedPromptShares(RunPlan plan) {
    Map<String, Map<String, Map<Integer, Double>>> out = new TreeMap<>();
    for (Submix s : Submix.values()) {
      for (QuestionType type : QuestionType.values()) {
        Map<Integer, Double> shares = plan.prompts().expectedShares(s.configName(), type);
        if (!shares.isEmpty()) {
          out.computeIfAbsent(s.configName(), k -> new TreeMap<>()).put(type.wireName(), shares);
        }
      }
    }
    return out;
  }

  /** A tier's usage, keyed by its number for the tallies. */
  private static PCollection<KV<Integer, TeacherUsage>> ofTier(
      String name, PCollection<TeacherUsage> usage, int tier) {
    return usage
        .apply(
            name,
            MapElements.into(
                    TypeDescriptors.kvs(
                        TypeDescriptors.integers(), TypeDescriptor.of(TeacherUsage.class)))
                .via(u -> KV.of(tier, u)))
        .setCoder(CountOutcomes.TIER_USAGE_CODER);
  }

  /** One collection of several (a single one as it is). */
  private static <T> PCollection<T> flatten(
      String name, List<PCollection<T>> parts, org.apache.beam.sdk.coders.Coder<T> coder) {
    return parts.size() == 1
        ? parts.get(0)
        : PCollectionList.of(parts).apply(name, Flatten.pCollections()).setCoder(coder);
  }

  private static <K> PCollection<String> fileNames(String name, WriteFilesResult<K> result) {
    return result
        .getPerDestinationOutputFilenames()
        .apply(name, Values.create())
        .setCoder(StringUtf8Coder.of());
  }

  /**
   * Tier {@code n}'s teacher stage: journal first (each tier's in its own folder), then the teacher
   * online or through its Batch API.
   */
  private static AnswerQuestions answerQuestions(RunPlan plan, int n) {
    OrcasetConfig cfg = plan.config();
    String journal = n == 1 ? cfg.journalDir() : cfg.laterTiers().get(n - 2).journalDir();
    return new AnswerQuestions(
        cfg.teacherOfTier(n),
        plan.policy(),
        n,
        cfg.journal().withDir(journal),
        plan.info().runId(),
        plan.info().priceOfTier(n),
        cfg.output().dir());
  }

  /** The LLM judge: its own journal folder, priced at its own model's price. */
  private static JudgeAnswers judgeAnswers(RunPlan plan) {
    OrcasetConfig cfg = plan.config();
    return new JudgeAnswers(
        cfg.judge(),
        plan.judgeRubric(),
        plan.policy(),
        cfg.journal(),
        plan.info().runId(),
        plan.info().judgePrice(),
        cfg.output().dir());
  }

  /**
   * A dry run: the same questions, counted and sized without calling the teacher, written to
   * `OUTPUT/estimate.json`.
   */
  public static void estimate(Pipeline p, RunPlan plan) {
    OrcasetConfig cfg = plan.config();
    Questions questions = questions(p, cfg, plan);
    PCollectionTuple known =
        questions
            .questions()
            .apply(
                "LookUpJournal",
                new LookUpJournal(
                    new Rows(cfg.teacher(), plan.policy(), 1),
                    cfg.journalDir(),
                    cfg.journal().reuse(),
                    cfg.output().dataDir()));
    PCollection<DroppedRecord> dropped =
        PCollectionList.of(questions.dropped())
            .apply("AllDropped", Flatten.pCollections())
            .setCoder(Outcomes.DROPPED_CODER);
    List<PCollection<KV<Integer, Question>>> tierQuestions = new ArrayList<>();
    List<PCollection<KV<Integer, TeacherUsage>>> tierReused = new ArrayList<>();
    for (int n = 2; n <= cfg.tiers().size() + 1; n++) {
      var tier = cfg.laterTiers().get(n - 2);
      int number = n;
      PCollectionTuple tierKnown =
          questions
              .laterTiers()
              .get(n - 2)
              .apply(
                  "LookUpTier" + n + "Journal",
                  new LookUpJournal(
                      new Rows(tier.teacher(), plan.policy(), n),
                      tier.journalDir(),
                      cfg.journal().reuse(),
                      cfg.output().dataDir()));
      tierQuestions.add(
          tierKnown
              .get(Outcomes.QUESTIONS)
              .apply(
                  "Tier" + n + "Questions",
                  MapElements.into(
                          TypeDescriptors.kvs(
                              TypeDescriptors.integers(), TypeDescriptor.of(Question.class)))
                      .via(q -> KV.of(number, q)))
              .setCoder(EstimateQuestions.TIER_QUESTION_CODER));
      if (tierKnown.has(Outcomes.USAGE)) {
        tierReused.add(ofTier("Tier" + n + "Reused", tierKnown.get(Outcomes.USAGE), n));
      }
    }
    if (!tierQuestions.isEmpty()) {
      known =
          known.and(
              EstimateQuestions.TIER_QUESTIONS,
              flatten("AllTiersQuestions", tierQuestions, EstimateQuestions.TIER_QUESTION_CODER));
    }
    if (!tierReused.isEmpty()) {
      known =
          known.and(
              EstimateQuestions.TIER_REUSED,
              flatten("AllTiersReused", tierReused, CountOutcomes.TIER_USAGE_CODER));
    }
    known
        .and(Outcomes.LINES, questions.read().get(Outcomes.LINES))
        .and(Outcomes.REJECTED, questions.read().get(Outcomes.REJECTED))
        .and(Outcomes.DROPPED, dropped)
        .apply(
            "EstimateQuestions",
            new EstimateQuestions(
                plan.info(),
                cfg.teacher().maxTokens(),
                cfg.judge().enabled()
                    ? new EstimateQuestions.Judge(
                        cfg.judge(), TokenEstimate.fromChars(plan.judgeRubric().length()))
                    : null));
  }
}
