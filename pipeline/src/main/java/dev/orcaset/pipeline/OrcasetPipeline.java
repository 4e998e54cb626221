package dev.orcaset.pipeline;

import dev.orcaset.config.JournalConfig;
import dev.orcaset.config.OrcasetConfig;
import dev.orcaset.quality.QualityGates;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The product in one method: read FLAN records, drop duplicate inputs, sample per submix, pair
 * each with a system prompt, take what the journal already holds, ask the teacher the rest,
 * filter the answers, tag licenses, write the dataset, and account for every input in the
 * manifest.
 */
public final class OrcasetPipeline {
  private OrcasetPipeline() {}

  /** The questions a run sends, and every input left out on the way, with its reason. */
  record Questions(PCollectionTuple read, PCollection<Query> queries, List<PCollection<DroppedRecord>> dropped) {}

  /** Everything before the teacher: shared by a run and by its cost estimate. */
  static Questions questions(Pipeline p, OrcasetConfig cfg, RunPlan plan) {
    PCollectionTuple read = p.apply("ReadFlanRecords", new ReadFlanRecords(cfg.input().paths()));
    PCollectionTuple unique = read.get(Outcomes.RECORDS).apply("DropDuplicateInputs", new DropDuplicateInputs());
    List<PCollection<DroppedRecord>> dropped = new ArrayList<>(List.of(unique.get(Outcomes.DROPPED)));
    if (cfg.quality().nearDuplicateInput().enabled()) {
      unique = unique.get(Outcomes.RECORDS).apply("DropNearDuplicateInputs",
          new DropNearDuplicateInputs(cfg.quality().nearDuplicateInput().threshold()));
      dropped.add(unique.get(Outcomes.DROPPED));
    }
    PCollectionTuple sampled = unique.get(Outcomes.RECORDS)
        .apply("SampleSubmixes", new SampleSubmixes(cfg.sampling(), cfg.limit()));
    PCollectionTuple paired = sampled.get(Outcomes.RECORDS)
        .apply("PairSystemPrompt", new PairSystemPrompt(plan.prompts(), cfg.sampling().seed()));
    dropped.add(sampled.get(Outcomes.DROPPED));
    dropped.add(paired.get(Outcomes.DROPPED));
    return new Questions(read, paired.get(Outcomes.QUERIES), dropped);
  }

  /**
   * Writes the run into {@code plan.info().outputDir()} (the staging folder the launcher switches
   * in when the job succeeds); the previous snapshot is read from `output.dir` for comparison.
   */
  public static void build(Pipeline p, RunPlan plan) {
    OrcasetConfig cfg = plan.config();
    String out = plan.info().outputDir();

    Questions questions = questions(p, cfg, plan);
    PCollectionTuple read = questions.read();
    PCollectionTuple known = questions.queries()
        .apply("LookUpJournal", new LookUpJournal(cfg.teacher(), cfg.journalDir(), cfg.journal().reuse()));
    if (cfg.teacher().isBatch() && !cfg.teacher().batch().collect()) {
      // --no-wait: submit and record the batches, write nothing; the same command collects them.
      known.get(Outcomes.QUERIES).apply("CallTeacherInBatches", callTeacher(cfg, plan));
      return;
    }
    PCollectionTuple asked = known.get(Outcomes.QUERIES).apply(
        cfg.teacher().isBatch() ? "CallTeacherInBatches" : "CallTeacher", callTeacher(cfg, plan));
    PCollection<Sample> answers = both("Answers", known, asked, Outcomes.SAMPLES, Outcomes.SAMPLE_CODER);
    PCollection<FailedRequest> failed = both("Failures", known, asked, Outcomes.FAILED, Outcomes.FAILED_CODER);
    PCollectionTuple kept = answers.apply("FilterResponses", new FilterResponses(cfg.quality()));
    PCollection<Sample> samples = kept.get(Outcomes.SAMPLES).apply("TagLicense", new TagLicense(plan.policy()));

    WriteFilesResult<String> data = samples.apply("WriteSamples",
        new WriteSamples(out + "/data", cfg.output().compression(), plan.info().snapshotId()));
    PCollection<DroppedRecord> dropped = PCollectionList.of(questions.dropped()).and(kept.get(Outcomes.DROPPED))
        .apply("AllDropped", Flatten.pCollections()).setCoder(Outcomes.DROPPED_CODER);
    WriteFilesResult<Void> rejectedFiles = read.get(Outcomes.REJECTED)
        .apply("WriteRejected", new WriteJsonLines<>(out + "/rejected", plan.info().snapshotId()));
    WriteFilesResult<Void> failedFiles = failed.apply("WriteFailed", new WriteJsonLines<>(out + "/failed", plan.info().snapshotId()));
    WriteFilesResult<Void> filteredFiles = dropped.apply("WriteFiltered", new WriteJsonLines<>(out + "/filtered", plan.info().snapshotId()));

    List<PCollection<KV<String, Long>>> more = new ArrayList<>(CountOutcomes.teacherUsage(asked, known));
    more.add(samples.apply("CompareWithPreviousSnapshot",
        new CompareWithPreviousSnapshot(cfg.output().dir() + "/data")));
    var tallies = p.apply("CountOutcomes", new CountOutcomes(read.get(Outcomes.LINES),
        read.get(Outcomes.REJECTED), dropped, failed, samples, more));
    var dataFiles = data.getPerDestinationOutputFilenames()
        .apply("DataFileNames", Values.create())
        .apply("AsList", View.asList());
    var described = new WriteManifest.Described(QualityGates.describe(cfg.quality()), plan.prompts().files());
    p.apply("WriteManifest", new WriteManifest(plan.info(), described, tallies, dataFiles, List.of(
        data.getPerDestinationOutputFilenames(), rejectedFiles.getPerDestinationOutputFilenames(),
        failedFiles.getPerDestinationOutputFilenames(), filteredFiles.getPerDestinationOutputFilenames())));
  }

  /** The teacher stage: one request at a time, or through the provider's Batch API. */
  private static PTransform<PCollection<Query>, PCollectionTuple> callTeacher(OrcasetConfig cfg, RunPlan plan) {
    JournalConfig journal = cfg.journal().withDir(cfg.journalDir());
    return cfg.teacher().isBatch()
        ? new CallTeacherInBatches(cfg.teacher(), plan.info().runId(), journal, cfg.output().dir())
        : new CallTeacher(cfg.teacher(), plan.info().runId(), plan.info().price(), journal);
  }

  /** One stream of rows from the journal's answers and the teacher's. */
  private static <T> PCollection<T> both(String name, PCollectionTuple known, PCollectionTuple asked,
      TupleTag<T> tag, Coder<T> coder) {
    return PCollectionList.of(known.get(tag)).and(asked.get(tag))
        .apply(name, Flatten.pCollections()).setCoder(coder);
  }

  /**
   * A dry run: the same questions, counted and sized without calling the teacher, written to
   * `OUTPUT/estimate.json`.
   */
  public static void estimate(Pipeline p, RunPlan plan) {
    OrcasetConfig cfg = plan.config();
    Questions questions = questions(p, cfg, plan);
    PCollectionTuple known = questions.queries()
        .apply("LookUpJournal", new LookUpJournal(cfg.teacher(), cfg.journalDir(), cfg.journal().reuse()));
    PCollection<DroppedRecord> dropped = PCollectionList.of(questions.dropped())
        .apply("AllDropped", Flatten.pCollections()).setCoder(Outcomes.DROPPED_CODER);
    p.apply("EstimateQuestions", new EstimateQuestions(known.get(Outcomes.QUERIES), known,
        questions.read().get(Outcomes.LINES), questions.read().get(Outcomes.REJECTED), dropped, plan.info(),
        cfg.teacher().maxTokens()));
  }
}
