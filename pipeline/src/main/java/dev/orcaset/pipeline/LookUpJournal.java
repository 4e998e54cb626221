package dev.orcaset.pipeline;

import dev.orcaset.config.TeacherConfig;
import dev.orcaset.journal.JournalEntry;
import dev.orcaset.journal.JournalFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Create;
import dev.orcaset.teacher.ChatRequest;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Answers from the journal what has been paid for already: a question whose request hash (model,
 * sampling parameters, system prompt, user text) has a journal entry becomes its row again without
 * a call; the rest go on to the teacher. This is what makes a resumed run finish the work instead
 * of redoing it, and a refresh pay only for new inputs, changed prompts or a changed teacher.
 *
 * <p>Output: {@link Outcomes#QUERIES} still to ask; {@link Outcomes#SAMPLES} and {@link
 * Outcomes#FAILED} reused from the journal.
 */
public final class LookUpJournal extends PTransform<PCollection<Query>, PCollectionTuple> {
  private static final TupleTag<Query> QUESTION = new TupleTag<>("question") {};
  private static final TupleTag<JournalEntry> SAVED = new TupleTag<>("saved") {};

  private final TeacherConfig teacher;
  private final String journalDir;
  private final boolean reuse;

  /** {@code reuse} false (`--fresh`): every question goes on to the teacher. */
  public LookUpJournal(TeacherConfig teacher, String journalDir, boolean reuse) {
    this.teacher = teacher;
    this.journalDir = journalDir;
    this.reuse = reuse;
  }

  @Override
  public PCollectionTuple expand(PCollection<Query> queries) {
    if (!reuse || nothingSaved()) {
      // A first run (or --fresh) has nothing to look up: skip the shuffle a join costs.
      Pipeline p = queries.getPipeline();
      return PCollectionTuple.of(Outcomes.QUERIES, queries)
          .and(Outcomes.SAMPLES, p.apply("NoSavedAnswers", Create.empty(Outcomes.SAMPLE_CODER)))
          .and(Outcomes.FAILED, p.apply("NoSavedFailures", Create.empty(Outcomes.FAILED_CODER)));
    }
    PCollection<KV<String, JournalEntry>> journal =
        queries.getPipeline().apply("ReadJournal", new ReadJournal(journalDir));
    TeacherConfig t = teacher;
    PCollection<KV<String, Query>> byHash = queries
        .apply("ByRequestHash", WithKeys.of((Query q) -> Answers.request(t, q).requestHash())
            .withKeyType(TypeDescriptors.strings()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), Outcomes.QUERY_CODER));
    PCollectionTuple out = KeyedPCollectionTuple.of(QUESTION, byHash).and(SAVED, journal)
        .apply("Join", CoGroupByKey.create())
        .apply("Reuse", ParDo.of(new ReuseFn(teacher))
            .withOutputTags(Outcomes.QUERIES, TupleTagList.of(Outcomes.SAMPLES).and(Outcomes.FAILED)));
    return Outcomes.withCoders(out);
  }

  private boolean nothingSaved() {
    try {
      return JournalFiles.list(journalDir).isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the journal in " + journalDir + ": " + e.getMessage(), e);
    }
  }

  static final class ReuseFn extends DoFn<KV<String, CoGbkResult>, Query> {
    private final TeacherConfig teacher;

    ReuseFn(TeacherConfig teacher) {
      this.teacher = teacher;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> joined, MultiOutputReceiver out) {
      JournalEntry best = null;
      for (JournalEntry e : joined.getValue().getAll(SAVED)) {
        best = JournalEntry.better(best, e);
      }
      for (Query q : joined.getValue().getAll(QUESTION)) {
        if (best == null) {
          out.get(Outcomes.QUERIES).output(q);
          continue;
        }
        ChatRequest request = Answers.request(teacher, q);
        Object row = Answers.row(teacher, q, request, best);
        if (row instanceof Sample s) {
          out.get(Outcomes.SAMPLES).output(s);
        } else {
          out.get(Outcomes.FAILED).output((FailedRequest) row);
        }
      }
    }
  }
}
