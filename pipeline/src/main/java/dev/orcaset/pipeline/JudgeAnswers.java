package dev.orcaset.pipeline;

import dev.orcaset.config.JournalConfig;
import dev.orcaset.config.JudgeConfig;
import dev.orcaset.cost.Price;
import dev.orcaset.io.RecordCoder;
import dev.orcaset.license.LicensePolicy;
import dev.orcaset.model.DropReason;
import dev.orcaset.model.DroppedRecord;
import dev.orcaset.model.FailedRequest;
import dev.orcaset.model.FlanRecord;
import dev.orcaset.model.Origin;
import dev.orcaset.model.Question;
import dev.orcaset.model.Sample;
import dev.orcaset.model.TargetCheck;
import dev.orcaset.quality.Judgement;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The LLM judge: rows that passed the gates (by default only those the target check could not
 * compare with FLAN's target) are shown to a second model with our rubric, which scores each for
 * correctness and explanation; rows scored below `quality.judge.min_score` are dropped by the
 * `judge` gate into `filtered/`, whole. The judge is asked through the teacher stage itself ({@link
 * AnswerQuestions}): its own journal folder, the same limiter, retries and Batch API, so a re-run
 * pays for no judgement twice. A row the judge could not score (it failed, or its reply held no
 * score) is kept, with a null score and the reason: the row was paid for and nothing says it is
 * bad.
 *
 * <p>Output: {@link Outcomes#SAMPLES} (every row, judged or not), {@link Outcomes#DROPPED} (those
 * the `judge` gate dropped) and {@link #USAGE} (the judge's requests and tokens).
 */
public final class JudgeAnswers extends PTransform<PCollection<Sample>, PCollectionTuple> {
  static final TupleTag<TeacherUsage> USAGE = new TupleTag<>("judgeUsage") {};
  private static final TupleTag<Sample> TO_JUDGE = new TupleTag<>("toJudge") {};
  private static final TupleTag<Sample> ROWS = new TupleTag<>("rows") {};
  private static final TupleTag<Judgement> JUDGEMENTS = new TupleTag<>("judgements") {};

  private final JudgeConfig judge;
  private final String rubric;
  private final LicensePolicy policy;
  private final JournalConfig journal;
  private final String runId;
  private final Price price;
  private final String dataset;

  /**
   * {@code rubric} is the judge's system prompt (the text, read on the launching machine); {@code
   * journal} the run's journal settings, whose folder is replaced by the judge's.
   */
  public JudgeAnswers(
      JudgeConfig judge,
      String rubric,
      LicensePolicy policy,
      JournalConfig journal,
      String runId,
      Price price,
      String dataset) {
    this.judge = judge;
    this.rubric = rubric;
    this.policy = policy;
    this.journal = journal.withDir(judge.journalDir());
    this.runId = runId;
    this.price = price;
    this.dataset = dataset;
  }

  @Override
  public PCollectionTuple expand(PCollection<Sample> samples) {
    PCollectionTuple split =
        samples.apply(
            "ChooseRowsToJudge",
            ParDo.of(new ChooseFn(judge))
                .withOutputTags(TO_JUDGE, TupleTagList.of(Outcomes.SAMPLES)));
    PCollection<Sample> toJudge = split.get(TO_JUDGE).setCoder(Outcomes.SAMPLE_CODER);
    TeacherResult judged =
        toJudge
            .apply(
                "JudgeQuestions",
                MapElements.into(TypeDescriptor.of(Question.class))
                    .via((Sample s) -> question(judge, rubric, s)))
            .setCoder(Outcomes.QUESTION_CODER)
            .apply(
                "AskTheJudge",
                new AnswerQuestions(judge.teacher(), policy, 1, journal, runId, price, dataset));
    KvCoder<String, Judgement> judgementCoder =
        KvCoder.of(StringUtf8Coder.of(), RecordCoder.of(Judgement.class));
    PCollection<KV<String, Judgement>> judgements =
        PCollectionList.of(
                judged
                    .answers()
                    .apply(
                        "ReadScores",
                        MapElements.into(
                                TypeDescriptors.kvs(
                                    TypeDescriptors.strings(), TypeDescriptor.of(Judgement.class)))
                            .via((Sample a) -> KV.of(a.id(), Judgement.read(a.response()))))
                    .setCoder(judgementCoder))
            .and(
                judged
                    .failures()
                    .apply(
                        "ReadFailures",
                        MapElements.into(
                                TypeDescriptors.kvs(
                                    TypeDescriptors.strings(), TypeDescriptor.of(Judgement.class)))
                            .via((FailedRequest f) -> KV.of(f.id(), unscored(f))))
                    .setCoder(judgementCoder))
            .apply("AllJudgements", Flatten.pCollections());
    PCollection<KV<String, Sample>> rows =
        toJudge
            .apply(
                "KeyRows",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(), TypeDescriptor.of(Sample.class)))
                    .via((Sample s) -> KV.of(s.id(), s)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), Outcomes.SAMPLE_CODER));
    PCollectionTuple graded =
        Outcomes.withCoders(
            KeyedPCollectionTuple.of(ROWS, rows)
                .and(JUDGEMENTS, judgements)
                .apply("JoinScores", CoGroupByKey.create())
                .apply(
                    "ApplyJudgeGate",
                    ParDo.of(new GradeFn(judge.minScore()))
                        .withOutputTags(Outcomes.SAMPLES, TupleTagList.of(Outcomes.DROPPED))));
    PCollection<Sample> all =
        PCollectionList.of(split.get(Outcomes.SAMPLES).setCoder(Outcomes.SAMPLE_CODER))
            .and(graded.get(Outcomes.SAMPLES))
            .apply("AllRows", Flatten.pCollections())
            .setCoder(Outcomes.SAMPLE_CODER);
    return PCollectionTuple.of(Outcomes.SAMPLES, all)
        .and(Outcomes.DROPPED, graded.get(Outcomes.DROPPED))
        .and(USAGE, judged.usage());
  }

  /**
   * The judge's question about one row: the rubric as system prompt, the row shown as {@link
   * Judgement#question}, the judge's sampling parameters. It keeps the row's id, so its answer is
   * joined back to the row; the row's submix and task travel along, for the judge's license tag and
   * progress line (the judgement is not a row of its own).
   */
  static Question question(JudgeConfig judge, String rubric, Sample s) {
    String asked = Judgement.question(s);
    FlanRecord r =
        new FlanRecord(
            asked,
            s.referenceAnswer(),
            s.source(),
            s.taskName(),
            s.templateType(),
            null,
            new Origin(s.inputFile(), s.inputLine()));
    var request = PairSystemPrompt.request(judge.teacher(), rubric, asked);
    return new Question(
        s.id(), r, s.systemPromptId(), request, request.requestHash(), request.unboundedHash());
  }

  private static Judgement unscored(FailedRequest f) {
    return new Judgement(
        null,
        "the judge failed ("
            + f.reason().wireName()
            + (f.httpStatus() > 0 ? ", HTTP " + f.httpStatus() : "")
            + "): "
            + f.message());
  }

  static final class ChooseFn extends DoFn<Sample, Sample> {
    private final JudgeConfig judge;

    ChooseFn(JudgeConfig judge) {
      this.judge = judge;
    }

    @ProcessElement
    public void process(@Element Sample s, MultiOutputReceiver o) {
      boolean checked = s.targetCheck() != TargetCheck.Verdict.UNCHECKED;
      o.get(judge.judges(checked) ? TO_JUDGE : Outcomes.SAMPLES).output(s);
    }
  }

  /** Puts the judge's grade on its row and drops rows scored under the threshold. */
  static final class GradeFn extends DoFn<KV<String, CoGbkResult>, Sample> {
    private final int minScore;

    GradeFn(int minScore) {
      this.minScore = minScore;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> e, MultiOutputReceiver o) {
      Judgement j = null;
      for (Judgement candidate : e.getValue().getAll(JUDGEMENTS)) {
        if (j == null || (!j.scored() && candidate.scored())) {
          j = candidate;
        }
      }
      for (Sample s : e.getValue().getAll(ROWS)) {
        Judgement given =
            j != null ? j : new Judgement(null, "the judge gave no answer for this row");
        Sample graded = s.withJudge(given.score(), given.reason());
        if (given.scored() && given.score() < minScore) {
          o.get(Outcomes.DROPPED)
              .output(
                  DroppedRecord.of(
                      graded,
                      DropReason.JUDGE,
                      "the judge scored it "
                          + given.score()
                          + ", under quality.judge.min_score "
                          + minScore
                          + ": "
                          + given.reason()));
        } else {
          o.get(Outcomes.SAMPLES).output(graded);
        }
      }
    }
  }
}
