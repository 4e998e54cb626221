package dev.orcaset.pipeline;

import dev.orcaset.journal.JournalEntry;
import dev.orcaset.journal.JournalFiles;
import dev.orcaset.model.Answer;
import dev.orcaset.model.FailedRequest;
import dev.orcaset.model.Question;
import dev.orcaset.model.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Keys;
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
 * <p>Output: {@link Outcomes#QUESTIONS} still to ask; {@link Outcomes#SAMPLES} and {@link
 * Outcomes#FAILED} reused from the journal, with their {@link Outcomes#USAGE} (these three are
 * absent when there is no journal to look in).
 */
final class LookUpJournal extends PTransform<PCollection<Question>, PCollectionTuple> {
  private static final TupleTag<Question> QUESTION = new TupleTag<>("question") {};
  private static final TupleTag<JournalEntry> SAVED = new TupleTag<>("saved") {};

  private final Rows rows;
  private final String journalDir;
  private final boolean reuse;

  /** {@code reuse} false (`--fresh`): every question goes on to the teacher. */
  LookUpJournal(Rows rows, String journalDir, boolean reuse) {
    this.rows = rows;
    this.journalDir = journalDir;
    this.reuse = reuse;
  }

  @Override
  public PCollectionTuple expand(PCollection<Question> queries) {
    if (!reuse || nothingSaved()) {
      // A first run (or --fresh) has nothing to look up: skip the shuffle a join costs, and
      // the empty outputs (every stage is tasks on a cluster).
      return PCollectionTuple.of(Outcomes.QUESTIONS, queries);
    }
    PCollection<KV<String, Question>> byHash =
        queries
            .apply(
                "ByRequestHash",
                WithKeys.of(Question::requestHash).withKeyType(TypeDescriptors.strings()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), Outcomes.QUESTION_CODER));
    PCollection<KV<String, JournalEntry>> journal =
        byHash.apply("Hashes", Keys.create()).apply("ReadJournal", new ReadJournal(journalDir));
    PCollectionTuple out =
        KeyedPCollectionTuple.of(QUESTION, byHash)
            .and(SAVED, journal)
            .apply("Join", CoGroupByKey.create())
            .apply(
                "Reuse",
                ParDo.of(new ReuseFn(rows))
                    .withOutputTags(
                        Outcomes.QUESTIONS,
                        TupleTagList.of(Outcomes.SAMPLES)
                            .and(Outcomes.FAILED)
                            .and(Outcomes.USAGE)));
    return Outcomes.withCoders(out);
  }

  private boolean nothingSaved() {
    try {
      return JournalFiles.list(journalDir).isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot list the journal in " + journalDir + ": " + e.getMessage(), e);
    }
  }

  static final class ReuseFn extends DoFn<KV<String, CoGbkResult>, Question> {
    private final Rows rows;

    ReuseFn(Rows rows) {
      this.rows = rows;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> joined, MultiOutputReceiver out) {
      JournalEntry best = null;
      for (JournalEntry e : joined.getValue().getAll(SAVED)) {
        best = JournalEntry.better(best, e);
      }
      for (Question q : joined.getValue().getAll(QUESTION)) {
        if (best == null) {
          out.get(Outcomes.QUESTIONS).output(q);
          continue;
        }
        Answer row = rows.row(q, best);
        out.get(Outcomes.USAGE).output(TeacherUsage.reused(row));
        if (row instanceof Sample s) {
          out.get(Outcomes.SAMPLES).output(s);
        } else {
          out.get(Outcomes.FAILED).output((FailedRequest) row);
        }
      }
    }
  }
}
