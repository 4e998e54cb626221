package dev.orcaset.pipeline;

import dev.orcaset.config.QualityConfig;
import dev.orcaset.journal.JournalEntry;
import dev.orcaset.journal.JournalFiles;
import dev.orcaset.model.Answer;
import dev.orcaset.model.FailedRequest;
import dev.orcaset.model.Question;
import dev.orcaset.model.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.Keys;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Answers from the journal what has been paid for already: a question whose request hash (model,
 * sampling parameters, system prompt, user text) has a journal entry becomes its row again without
 * a call; the rest go on to the teacher. This is what makes a resumed run finish the work instead
 * of redoing it, and a refresh pay only for new inputs, changed prompts or a changed teacher. A
 * question the journal holds under another {@code max_tokens} reuses the answer if it finished
 * within this bound; only answers cut off at the old bound are asked again (counted as
 * `reused_across_max_tokens` and `reasked_truncated`). Before the journal, the previous snapshot's
 * rows answer the questions they hold ({@link ReadPreviousAnswers}): on a refresh that is nearly
 * all of them, and the journal is then read only for the rest. A snapshot row's answer is the one
 * an earlier run took from the journal, so the rows are the same either way (but for a `--fresh`
 * run killed before its switch: the snapshot keeps the answer it published).
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
  private final String previousData;

  /**
   * {@code reuse} false (`--fresh`): every question goes on to the teacher. {@code previousData}:
   * the output's `data/` folder, whose snapshot answers most questions of a refresh (see {@link
   * ReadPreviousAnswers}).
   */
  LookUpJournal(Rows rows, String journalDir, boolean reuse, String previousData) {
    this.rows = rows;
    this.journalDir = journalDir;
    this.reuse = reuse;
    this.previousData = previousData;
  }

  @Override
  public PCollectionTuple expand(PCollection<Question> queries) {
    boolean noSnapshot = ReadPreviousAnswers.isEmpty(previousData);
    if (!reuse || (nothingSaved() && noSnapshot)) {
      // A first run (or --fresh) has nothing to look up: skip the shuffle a join costs, and
      // the empty outputs (every stage is tasks on a cluster).
      return PCollectionTuple.of(Outcomes.QUESTIONS, queries);
    }
    TupleTagList reused =
        TupleTagList.of(Outcomes.SAMPLES).and(Outcomes.FAILED).and(Outcomes.USAGE);
    PCollectionTuple snapshot =
        noSnapshot
            ? PCollectionTuple.of(Outcomes.QUESTIONS, queries)
            : lookUp(
                queries,
                "SnapshotHash",
                Question::requestHash,
                new ReadPreviousAnswers(previousData),
                new ReuseFn(rows),
                reused);
    PCollectionTuple exact =
        lookUp(
            snapshot.get(Outcomes.QUESTIONS),
            "RequestHash",
            Question::requestHash,
            new ReadJournal(journalDir),
            new ReuseFn(rows),
            reused);
    // What is left may have been answered under another max_tokens: a finished answer is reused,
    // one cut off at the old bound is asked again.
    PCollectionTuple anyBound =
        lookUp(
            exact.get(Outcomes.QUESTIONS),
            "UnboundedHash",
            Question::unboundedHash,
            new ReadJournal(journalDir, rows.maxTokens()),
            new ReuseFinishedFn(rows),
            TupleTagList.of(Outcomes.SAMPLES).and(Outcomes.USAGE));
    List<PCollectionTuple> found = List.of(snapshot, exact, anyBound);
    return PCollectionTuple.of(Outcomes.QUESTIONS, anyBound.get(Outcomes.QUESTIONS))
        .and(Outcomes.SAMPLES, all(found, Outcomes.SAMPLES, "AllReused"))
        .and(Outcomes.FAILED, all(found, Outcomes.FAILED, "AllFailed"))
        .and(Outcomes.USAGE, all(found, Outcomes.USAGE, "AllReusedUsage"));
  }

  /**
   * Questions keyed by {@code key}, joined with the journal entries {@code read} finds under the
   * same key, and {@code reuse} deciding each: reused into {@code outputs}, or on as a question.
   */
  private static PCollectionTuple lookUp(
      PCollection<Question> questions,
      String key,
      SerializableFunction<Question, String> keyOf,
      PTransform<PCollection<String>, PCollection<KV<String, JournalEntry>>> read,
      DoFn<KV<String, CoGbkResult>, Question> reuse,
      TupleTagList outputs) {
    PCollection<KV<String, Question>> keyed =
        questions
            .apply("By" + key, WithKeys.of(keyOf).withKeyType(TypeDescriptors.strings()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), Outcomes.QUESTION_CODER));
    PCollection<KV<String, JournalEntry>> saved =
        keyed.apply(key + "es", Keys.create()).apply("ReadBy" + key, read);
    return Outcomes.withCoders(
        KeyedPCollectionTuple.of(QUESTION, keyed)
            .and(SAVED, saved)
            .apply("JoinBy" + key, CoGroupByKey.create())
            .apply("ReuseBy" + key, ParDo.of(reuse).withOutputTags(Outcomes.QUESTIONS, outputs)));
  }

  /**
   * What the lookups that have {@code tag} found, as one collection (a skipped snapshot lookup has
   * no outputs, the lookup across token bounds no failures).
   */
  private static <T> PCollection<T> all(
      List<PCollectionTuple> lookups, TupleTag<T> tag, String name) {
    List<PCollection<T>> parts =
        lookups.stream().filter(t -> t.has(tag)).map(t -> t.get(tag)).toList();
    if (parts.size() == 1) {
      return parts.get(0);
    }
    return PCollectionList.of(parts)
        .apply(name, Flatten.pCollections())
        .setCoder(parts.get(0).getCoder());
  }

  private boolean nothingSaved() {
    try {
      return JournalFiles.list(journalDir).isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot list the journal in " + journalDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reuses the newest answer that finished within this request's bound (a finished answer does not
   * depend on a bound it never reached); asks again when the saved answers were cut off, or ran
   * past a lowered bound.
   */
  static final class ReuseFinishedFn extends DoFn<KV<String, CoGbkResult>, Question> {
    private final Rows rows;

    ReuseFinishedFn(Rows rows) {
      this.rows = rows;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> joined, MultiOutputReceiver out) {
      Iterable<JournalEntry> saved = joined.getValue().getAll(SAVED);
      for (Question q : joined.getValue().getAll(QUESTION)) {
        JournalEntry best = null;
        boolean truncated = false;
        for (JournalEntry e : saved) {
          if (!e.isAnswer()) {
            continue;
          }
          boolean finished = QualityConfig.FINISHED.contains(e.answer().finishReason());
          truncated |= !finished;
          if (finished && e.answer().completionTokens() <= q.request().maxTokens()) {
            best = JournalEntry.better(best, e);
          }
        }
        if (best != null) {
          out.get(Outcomes.SAMPLES).output(rows.sample(q, best));
          out.get(Outcomes.USAGE).output(TeacherUsage.REUSED_ACROSS_LIMITS);
        } else {
          out.get(Outcomes.QUESTIONS).output(q);
          if (truncated) {
            out.get(Outcomes.USAGE).output(TeacherUsage.REASKED_TRUNCATED);
          }
        }
      }
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
