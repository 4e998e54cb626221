package dev.orcaset.pipeline;

import dev.orcaset.io.RecordCoder;
import dev.orcaset.model.DroppedRecord;
import dev.orcaset.model.FailedRequest;
import dev.orcaset.model.FlanRecord;
import dev.orcaset.model.Question;
import dev.orcaset.model.Rejection;
import dev.orcaset.model.Sample;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;

/** The tags and coders of the streams stages pass along; one place so stages agree on them. */
final class Outcomes {
  private Outcomes() {}

  static final TupleTag<FlanRecord> RECORDS = new TupleTag<>("records") {};
  static final TupleTag<Rejection> REJECTED = new TupleTag<>("rejected") {};
  static final TupleTag<Long> LINES = new TupleTag<>("lines") {};
  static final TupleTag<DroppedRecord> DROPPED = new TupleTag<>("dropped") {};
  static final TupleTag<Question> QUESTIONS = new TupleTag<>("questions") {};
  static final TupleTag<Sample> SAMPLES = new TupleTag<>("samples") {};
  static final TupleTag<FailedRequest> FAILED = new TupleTag<>("failed") {};
  static final TupleTag<TeacherUsage> USAGE = new TupleTag<>("usage") {};

  static final Coder<FlanRecord> RECORD_CODER = RecordCoder.of(FlanRecord.class);
  static final Coder<Rejection> REJECTION_CODER = RecordCoder.of(Rejection.class);
  static final Coder<DroppedRecord> DROPPED_CODER = RecordCoder.of(DroppedRecord.class);
  static final Coder<Question> QUESTION_CODER = RecordCoder.of(Question.class);
  static final Coder<Sample> SAMPLE_CODER = RecordCoder.of(Sample.class);
  static final Coder<FailedRequest> FAILED_CODER = RecordCoder.of(FailedRequest.class);
  static final Coder<TeacherUsage> USAGE_CODER = RecordCoder.of(TeacherUsage.class);

  private static final Map<TupleTag<?>, Coder<?>> CODERS =
      Map.of(
          RECORDS,
          RECORD_CODER,
          REJECTED,
          REJECTION_CODER,
          LINES,
          VarLongCoder.of(),
          DROPPED,
          DROPPED_CODER,
          QUESTIONS,
          QUESTION_CODER,
          SAMPLES,
          SAMPLE_CODER,
          FAILED,
          FAILED_CODER,
          USAGE,
          USAGE_CODER);

  /** Sets each output's coder from its tag, so every stage's outputs are encoded the same way. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static PCollectionTuple withCoders(PCollectionTuple tuple) {
    tuple
        .getAll()
        .forEach(
            (tag, pc) -> {
              Coder<?> coder = CODERS.get(tag);
              if (coder == null) {
                throw new IllegalStateException("no coder registered for output " + tag.getId());
              }
              ((PCollection) pc).setCoder(coder);
            });
    return tuple;
  }
}
