package dev.orcaset.pipeline;

import dev.orcaset.config.JournalConfig;
import dev.orcaset.config.TeacherConfig;
import dev.orcaset.cost.Price;
import dev.orcaset.license.LicensePolicy;
import dev.orcaset.model.Question;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The teacher stage, shaped like Beam's {@code RequestResponseIO}: questions in, a typed {@link
 * TeacherResult} out. Inside, in order: the journal answers what earlier runs paid for ({@link
 * LookUpJournal}); the rest are asked online ({@link CallTeacher}) or through the provider's Batch
 * API ({@link CallTeacherInBatches}), both recording every answer through one {@link
 * AnswerRecorder}; rows get their license verdict as they are built ({@link Rows}).
 *
 * <pre>{@code
 * TeacherResult result = questions.apply("AnswerQuestions", new AnswerQuestions(teacher, ...));
 * result.answers();  // PCollection<Sample>
 * result.failures(); // PCollection<FailedRequest>
 * result.usage();    // PCollection<TeacherUsage>, one a bundle of work
 * }</pre>
 */
public final class AnswerQuestions extends PTransform<PCollection<Question>, TeacherResult> {
  private final TeacherConfig teacher;
  private final Rows rows;
  private final JournalConfig journal;
  private final String runId;
  private final Price price;
  private final String dataset;

  /**
   * {@code tier}: which teacher tier's rows these are (1: the run's `teacher`); {@code journal}
   * names the journal's folder in {@code dir}; {@code price} (may be null) feeds the progress line;
   * {@code dataset} is the output folder: its `data/` holds the snapshot that answers most of a
   * refresh, and batch metadata names it.
   */
  public AnswerQuestions(
      TeacherConfig teacher,
      LicensePolicy policy,
      int tier,
      JournalConfig journal,
      String runId,
      Price price,
      String dataset) {
    this.teacher = teacher;
    this.rows = new Rows(teacher, policy, tier);
    this.journal = journal;
    this.runId = runId;
    this.price = price;
    this.dataset = dataset;
  }

  @Override
  public TeacherResult expand(PCollection<Question> questions) {
    PCollectionTuple known =
        questions.apply(
            "LookUpJournal",
            new LookUpJournal(rows, journal.dir(), journal.reuse(), dataset + "/data"));
    PCollectionTuple asked =
        known
            .get(Outcomes.QUESTIONS)
            .apply(
                teacher.isBatch() ? "CallTeacherInBatches" : "CallTeacher",
                teacher.isBatch()
                    ? new CallTeacherInBatches(teacher, rows, runId, journal, dataset)
                    : new CallTeacher(teacher, rows, runId, price, journal));
    PCollection<TeacherUsage> usage =
        both("Usage", known, asked, Outcomes.USAGE, Outcomes.USAGE_CODER);
    return new TeacherResult(
        both("Answers", known, asked, Outcomes.SAMPLES, Outcomes.SAMPLE_CODER),
        both("Failures", known, asked, Outcomes.FAILED, Outcomes.FAILED_CODER),
        usage);
  }

  /** One stream of rows from the journal's answers and the teacher's. */
  private static <T> PCollection<T> both(
      String name,
      PCollectionTuple known,
      PCollectionTuple asked,
      TupleTag<T> tag,
      Coder<T> coder) {
    if (!known.has(tag)) {
      return asked.get(tag);
    }
    return PCollectionList.of(known.get(tag))
        .and(asked.get(tag))
        .apply(name, Flatten.pCollections())
        .setCoder(coder);
  }
}
