package dev.orcaset.pipeline;

import dev.orcaset.model.FailedRequest;
import dev.orcaset.model.Sample;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What the teacher stage produced, typed like Beam's {@code RequestResponseIO.Result}: the answered
 * questions as rows, the unanswered ones with the provider's words, and what the stage used
 * (requests, attempts, tokens, journal reuse), each as its own collection.
 */
public final class TeacherResult implements POutput {
  static final TupleTag<Sample> ANSWERS = new TupleTag<>("answers") {};
  static final TupleTag<FailedRequest> FAILURES = new TupleTag<>("failures") {};
  static final TupleTag<TeacherUsage> USAGE = Outcomes.USAGE;

  private final Pipeline pipeline;
  private final PCollection<Sample> answers;
  private final PCollection<FailedRequest> failures;
  private final PCollection<TeacherUsage> usage;

  TeacherResult(
      PCollection<Sample> answers,
      PCollection<FailedRequest> failures,
      PCollection<TeacherUsage> usage) {
    this.pipeline = answers.getPipeline();
    this.answers = answers;
    this.failures = failures;
    this.usage = usage;
  }

  /** Rows for the dataset (before the quality gates), answered now or reused from the journal. */
  public PCollection<Sample> answers() {
    return answers;
  }

  /** Questions without an answer: permanent rejections and exhausted retries. */
  public PCollection<FailedRequest> failures() {
    return failures;
  }

  /** One element per bundle of work; {@link TeacherUsage#plus} adds them up. */
  public PCollection<TeacherUsage> usage() {
    return usage;
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return Map.of(ANSWERS, answers, FAILURES, failures, USAGE, usage);
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, org.apache.beam.sdk.values.PInput input, PTransform<?, ?> transform) {}
}
