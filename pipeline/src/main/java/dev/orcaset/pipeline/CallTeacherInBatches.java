package dev.orcaset.pipeline;

import dev.orcaset.config.JournalConfig;
import dev.orcaset.config.TeacherConfig;
import dev.orcaset.journal.JournalWriter;
import dev.orcaset.model.Answer;
import dev.orcaset.model.DropReason;
import dev.orcaset.model.FailedRequest;
import dev.orcaset.model.Question;
import dev.orcaset.model.Sample;
import dev.orcaset.teacher.RateLimiter;
import dev.orcaset.teacher.RetryInterceptor;
import dev.orcaset.teacher.Sleeper;
import dev.orcaset.teacher.TeacherHttp;
import dev.orcaset.teacher.batch.BatchApi;
import dev.orcaset.teacher.batch.BatchApis;
import dev.orcaset.teacher.batch.BatchItem;
import dev.orcaset.teacher.batch.BatchLedger;
import dev.orcaset.teacher.batch.BatchResult;
import dev.orcaset.teacher.batch.BatchRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * `teacher.mode: batch`: asks the teacher through the provider's Batch API instead of one request
 * at a time (half the price, a separate quota, answers within the completion window). All questions
 * meet in one place, where a {@link BatchRunner} splits, submits (recording each batch in the
 * journal's ledger before waiting), polls and collects. Every answer and permanent failure is
 * journaled as its batch is collected, so the rest of the pipeline, and a later run, cannot tell
 * batch answers from online ones.
 *
 * <p>Output: {@link Outcomes#SAMPLES} and {@link Outcomes#FAILED}, as {@link CallTeacher}. With
 * `teacher.batch.wait: false` (`--no-wait`) nothing: the batches are submitted and recorded, and
 * the same command run again collects them.
 */
final class CallTeacherInBatches extends PTransform<PCollection<Question>, PCollectionTuple> {
  private static final Logger LOG = LoggerFactory.getLogger(CallTeacherInBatches.class);

  private final TeacherConfig teacher;
  private final Rows rows;
  private final String runId;
  private final JournalConfig journal;
  private final String dataset;

  /**
   * {@code dataset} names the output in the batches' metadata, so they are findable in the
   * provider's console.
   */
  CallTeacherInBatches(
      TeacherConfig teacher, Rows rows, String runId, JournalConfig journal, String dataset) {
    this.teacher = teacher;
    this.rows = rows;
    this.runId = runId;
    this.journal = journal;
    this.dataset = dataset;
  }

  @Override
  public PCollectionTuple expand(PCollection<Question> queries) {
    PCollectionTuple out =
        queries
            .apply(
                "AllTogether",
                WithKeys.of((Question q) -> 0).withKeyType(TypeDescriptors.integers()))
            .setCoder(KvCoder.of(VarIntCoder.of(), Outcomes.QUESTION_CODER))
            .apply("Gather", GroupByKey.create())
            .apply(
                "SubmitPollCollect",
                ParDo.of(new BatchFn(teacher, rows, runId, journal, dataset))
                    .withOutputTags(
                        Outcomes.SAMPLES, TupleTagList.of(Outcomes.FAILED).and(Outcomes.USAGE)));
    return Outcomes.withCoders(out);
  }

  static final class BatchFn extends DoFn<KV<Integer, Iterable<Question>>, Sample> {
    private final TeacherConfig teacher;
    private final Rows rows;
    private final String runId;
    private final JournalConfig journal;
    private final String dataset;

    BatchFn(TeacherConfig teacher, Rows rows, String runId, JournalConfig journal, String dataset) {
      this.teacher = teacher;
      this.rows = rows;
      this.runId = runId;
      this.journal = journal;
      this.dataset = dataset;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Question>> all, MultiOutputReceiver out)
        throws Exception {
      Map<String, Question> byHash = new HashMap<>();
      Map<String, BatchItem> items = new LinkedHashMap<>();
      for (Question q : all.getValue()) {
        byHash.put(q.requestHash(), q);
        items.put(q.requestHash(), new BatchItem(q.requestHash(), q.request()));
      }
      String apiKey = System.getenv(teacher.apiKeyEnv());
      OkHttpClient http =
          TeacherHttp.client(
              teacher, apiKey, RateLimiter.unlimited(), RetryInterceptor.RetryListener.NONE);
      AtomicReference<IOException> unsaved = new AtomicReference<>();
      AtomicReference<TeacherUsage> usage = new AtomicReference<>(TeacherUsage.NONE);
      try (JournalWriter writer =
          new JournalWriter(
              journal.dir(), runId, journal.commitEvery(), journal.commitSeconds(), unsaved::set)) {
        AnswerRecorder recorder = new AnswerRecorder(rows, writer, runId, DropReason.BATCH_ERROR);
        BatchApi api = BatchApis.of(teacher, http, apiKey);
        BatchRunner runner =
            new BatchRunner(
                api,
                new BatchLedger(journal.dir()),
                teacher.batch(),
                runId,
                Map.of("orcaset_run", runId, "orcaset_dataset", dataset),
                Sleeper.SYSTEM,
                LOG::info);
        var batches =
            runner.run(
                items,
                teacher.batch().collect(),
                results -> {
                  for (BatchResult r : results) {
                    Question q = byHash.get(r.customId());
                    Answer row =
                        r.answer() != null
                            ? recorder.answered(q, r.answer(), "batch")
                            : recorder.failed(q, r.error(), "batch");
                    usage.set(usage.get().plus(TeacherUsage.paid(row)));
                    if (row instanceof Sample s) {
                      out.get(Outcomes.SAMPLES).output(s);
                    } else {
                      out.get(Outcomes.FAILED).output((FailedRequest) row);
                    }
                  }
                  // In the journal before the runner marks the batch collected; if that fails
                  // the batch stays open in the ledger and the next run collects it again.
                  writer.flush();
                  if (unsaved.get() != null) {
                    throw new UncheckedIOException(
                        "cannot save batch results to the journal in " + journal.dir(),
                        unsaved.get());
                  }
                });
        LOG.info(
            "batch mode: {} questions in {} batches, {} HTTP calls to the batch API{}",
            items.size(),
            batches.size(),
            api.calls(),
            teacher.batch().collect() ? "" : "; run the same command again to collect them");
        out.get(Outcomes.USAGE).output(usage.get());
      } finally {
        TeacherHttp.shutdown(http);
      }
    }
  }
}
