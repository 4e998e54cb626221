package dev.orcaset.pipeline;

import dev.orcaset.config.JournalConfig;
import dev.orcaset.config.TeacherConfig;
import dev.orcaset.journal.JournalEntry;
import dev.orcaset.journal.JournalWriter;
import dev.orcaset.teacher.ChatRequest;
import dev.orcaset.teacher.RateLimiter;
import dev.orcaset.teacher.RetryInterceptor;
import dev.orcaset.teacher.Sleeper;
import dev.orcaset.teacher.TeacherException;
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
 * at a time (half the price, a separate quota, answers within the completion window). All
 * questions meet in one place, where a {@link BatchRunner} splits, submits (recording each batch
 * in the journal's ledger before waiting), polls and collects. Every answer and permanent failure
 * is journaled as its batch is collected, so the rest of the pipeline, and a later run, cannot
 * tell batch answers from online ones.
 *
 * <p>Output: {@link Outcomes#SAMPLES} and {@link Outcomes#FAILED}, as {@link CallTeacher}. With
 * `teacher.batch.wait: false` (`--no-wait`) nothing: the batches are submitted and recorded, and
 * the same command run again collects them.
 */
public final class CallTeacherInBatches extends PTransform<PCollection<Query>, PCollectionTuple> {
  private static final Logger LOG = LoggerFactory.getLogger(CallTeacherInBatches.class);

  private final TeacherConfig teacher;
  private final String runId;
  private final JournalConfig journal;
  private final String dataset;

  /** {@code dataset} names the output in the batches' metadata, so they are findable in the provider's console. */
  public CallTeacherInBatches(TeacherConfig teacher, String runId, JournalConfig journal, String dataset) {
    this.teacher = teacher;
    this.runId = runId;
    this.journal = journal;
    this.dataset = dataset;
  }

  @Override
  public PCollectionTuple expand(PCollection<Query> queries) {
    PCollectionTuple out = queries
        .apply("AllTogether", WithKeys.of((Query q) -> 0).withKeyType(TypeDescriptors.integers()))
        .setCoder(KvCoder.of(VarIntCoder.of(), Outcomes.QUERY_CODER))
        .apply("Gather", GroupByKey.create())
        .apply("SubmitPollCollect", ParDo.of(new BatchFn(teacher, runId, journal, dataset))
            .withOutputTags(Outcomes.SAMPLES, TupleTagList.of(Outcomes.FAILED)));
    return Outcomes.withCoders(out);
  }

  static final class BatchFn extends DoFn<KV<Integer, Iterable<Query>>, Sample> {
    private final TeacherConfig teacher;
    private final String runId;
    private final JournalConfig journal;
    private final String dataset;

    BatchFn(TeacherConfig teacher, String runId, JournalConfig journal, String dataset) {
      this.teacher = teacher;
      this.runId = runId;
      this.journal = journal;
      this.dataset = dataset;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Query>> all, MultiOutputReceiver out) throws Exception {
      Map<String, Query> byHash = new HashMap<>();
      Map<String, BatchItem> items = new LinkedHashMap<>();
      for (Query q : all.getValue()) {
        ChatRequest r = Answers.request(teacher, q);
        byHash.put(r.requestHash(), q);
        items.put(r.requestHash(), new BatchItem(r.requestHash(), r));
      }
      String apiKey = System.getenv(teacher.apiKeyEnv());
      OkHttpClient http = TeacherHttp.client(teacher, apiKey, RateLimiter.unlimited(), RetryInterceptor.RetryListener.NONE);
      AtomicReference<IOException> unsaved = new AtomicReference<>();
      try (JournalWriter writer = new JournalWriter(journal.dir(), runId, journal.commitEvery(), journal.commitSeconds(),
          unsaved::set)) {
        BatchApi api = BatchApis.of(teacher, http, apiKey);
        BatchRunner runner = new BatchRunner(api, new BatchLedger(journal.dir()),
            teacher.batch(), runId, Map.of("orcaset_run", runId, "orcaset_dataset", dataset), Sleeper.SYSTEM, LOG::info);
        var batches = runner.run(items, teacher.batch().collect(), results -> {
          for (BatchResult r : results) {
            Query q = byHash.get(r.customId());
            ChatRequest request = items.get(r.customId()).request();
            Object row = r.answer() != null ? answered(writer, q, request, r) : failed(writer, q, request, r.error());
            if (row instanceof Sample s) {
              out.get(Outcomes.SAMPLES).output(s);
            } else {
              out.get(Outcomes.FAILED).output((FailedRequest) row);
            }
          }
          // In the journal before the runner marks the batch collected; if that fails the batch
          // stays open in the ledger and the next run collects it again.
          writer.flush();
          if (unsaved.get() != null) {
            throw new UncheckedIOException("cannot save batch results to the journal in " + journal.dir(), unsaved.get());
          }
        });
        LOG.info("batch mode: {} questions in {} batches, {} HTTP calls to the batch API{}", items.size(),
            batches.size(), api.calls(), teacher.batch().collect() ? "" : "; run the same command again to collect them");
      } finally {
        TeacherHttp.shutdown(http);
      }
    }

    private Sample answered(JournalWriter writer, Query q, ChatRequest request, BatchResult r) {
      JournalEntry e = JournalEntry.answer(r.customId(), runId, System.currentTimeMillis(), r.answer());
      writer.append(e, "batch");
      return Answers.sample(teacher, q, request, e);
    }

    /** Permanent failures are journaled (asking again would fail again); the rest are asked again next run. */
    private FailedRequest failed(JournalWriter writer, Query q, ChatRequest request, TeacherException te) {
      var f = new JournalEntry.Failure(te.httpStatus(), te.providerCode(), te.getMessage(), te.attempts());
      if (te.kind() == TeacherException.Kind.PERMANENT) {
        writer.append(JournalEntry.failure(request.requestHash(), runId, System.currentTimeMillis(), f), "batch");
        return Answers.failure(q, request, f, "permanent_error");
      }
      return Answers.failure(q, request, f, "batch_error");
    }
  }
}
