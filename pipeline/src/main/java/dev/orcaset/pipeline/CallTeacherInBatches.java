package dev.orcaset.pipeline;

import dev.orcaset.config.BatchConfig;
import dev.orcaset.config.JournalConfig;
import dev.orcaset.config.TeacherConfig;
import dev.orcaset.io.RecordCoder;
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
import dev.orcaset.teacher.batch.BatchRecord;
import dev.orcaset.teacher.batch.BatchResult;
import dev.orcaset.teacher.batch.BatchRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTagList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * `teacher.mode: batch`: asks the teacher through the provider's Batch API instead of one request
 * at a time (half the price, a separate quota, answers within the completion window).
 *
 * <p>Questions are spread by request hash over as many provider files as their number needs (about
 * 90% of `max_requests` each, so a file's share of the hashes stays under the limit), and each file
 * is a unit of work any worker can take: one stage builds, uploads and submits each file (recording
 * the batch in the journal's ledger before anything waits on it, in waves under
 * `max_enqueued_tokens`), the next polls and collects each file's batches. A worker holds one
 * file's questions at a time, never the run's. Every answer and permanent failure is journaled as
 * its batch is collected, so the rest of the pipeline, and a later run, cannot tell batch answers
 * from online ones.
 *
 * <p>Output: {@link Outcomes#SAMPLES} and {@link Outcomes#FAILED}, as {@link CallTeacher}. With
 * `teacher.batch.wait: false` (`--no-wait`) nothing: the batches are submitted and recorded, and
 * the same command run again collects them.
 */
final class CallTeacherInBatches extends PTransform<PCollection<Question>, PCollectionTuple> {
  private static final Logger LOG = LoggerFactory.getLogger(CallTeacherInBatches.class);

  static final Coder<BatchRecord> RECORD_CODER = RecordCoder.of(BatchRecord.class);

  /**
   * A file's question or one of its batches: the two meet in one GroupByKey read once, since
   * Flink's grouped values are not re-iterable and a CoGroupByKey result past 10,000 is.
   */
  private static final Coder<KV<Question, BatchRecord>> PART_CODER =
      KvCoder.of(NullableCoder.of(Outcomes.QUESTION_CODER), NullableCoder.of(RECORD_CODER));

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

  /** Questions per provider file aimed at: a file's share of random hashes varies by a few %. */
  static long perFile(BatchConfig batch) {
    return Math.max(1, batch.maxRequests() * 9L / 10);
  }

  /** The file a question goes in, of {@code files}: by its request hash, so a retry agrees. */
  static int file(String requestHash, long files) {
    return (int) Math.floorMod(Long.parseLong(requestHash.substring(0, 15), 16), files);
  }

  @Override
  public PCollectionTuple expand(PCollection<Question> queries) {
    PCollectionView<Long> count =
        queries.apply("Count", Count.globally()).apply("CountAsSideInput", View.asSingleton());
    long perFile = perFile(teacher.batch());
    PCollection<KV<Integer, Question>> byFile =
        queries
            .apply(
                "ToFiles",
                ParDo.of(
                        new DoFn<Question, KV<Integer, Question>>() {
                          @ProcessElement
                          public void process(
                              @Element Question q,
                              OutputReceiver<KV<Integer, Question>> out,
                              ProcessContext c) {
                            long files = Math.max(1, -Math.floorDiv(-c.sideInput(count), perFile));
                            out.output(KV.of(file(q.requestHash(), files), q));
                          }
                        })
                    .withSideInputs(count))
            .setCoder(KvCoder.of(VarIntCoder.of(), Outcomes.QUESTION_CODER));
    PCollection<KV<Integer, BatchRecord>> submitted =
        byFile
            .apply("GatherFile", GroupByKey.create())
            .apply("BuildAndSubmit", ParDo.of(new SubmitFn(teacher, runId, journal, dataset)))
            .setCoder(KvCoder.of(VarIntCoder.of(), RECORD_CODER));
    PCollectionTuple out =
        PCollectionList.of(
                byFile
                    .apply(
                        "QuestionParts",
                        MapElements.via(
                            new SimpleFunction<
                                KV<Integer, Question>, KV<Integer, KV<Question, BatchRecord>>>() {
                              @Override
                              public KV<Integer, KV<Question, BatchRecord>> apply(
                                  KV<Integer, Question> q) {
                                return KV.of(q.getKey(), KV.of(q.getValue(), null));
                              }
                            }))
                    .setCoder(KvCoder.of(VarIntCoder.of(), PART_CODER)))
            .and(
                submitted
                    .apply(
                        "BatchParts",
                        MapElements.via(
                            new SimpleFunction<
                                KV<Integer, BatchRecord>,
                                KV<Integer, KV<Question, BatchRecord>>>() {
                              @Override
                              public KV<Integer, KV<Question, BatchRecord>> apply(
                                  KV<Integer, BatchRecord> b) {
                                return KV.of(b.getKey(), KV.of(null, b.getValue()));
                              }
                            }))
                    .setCoder(KvCoder.of(VarIntCoder.of(), PART_CODER)))
            .apply("Parts", Flatten.pCollections())
            .apply("FileAndItsBatches", GroupByKey.create())
            .apply(
                "PollAndCollect",
                ParDo.of(new CollectFn(teacher, rows, runId, journal, dataset))
                    .withOutputTags(
                        Outcomes.SAMPLES, TupleTagList.of(Outcomes.FAILED).and(Outcomes.USAGE)));
    return Outcomes.withCoders(out);
  }

  /** The batch API client of one DoFn instance, from {@code @Setup} to {@code @Teardown}. */
  private static final class Client implements AutoCloseable {
    final OkHttpClient http;
    final BatchApi api;
    final BatchRunner runner;

    Client(TeacherConfig teacher, String runId, JournalConfig journal, String dataset) {
      String apiKey = System.getenv(teacher.apiKeyEnv());
      http =
          TeacherHttp.client(
              teacher, apiKey, RateLimiter.unlimited(), RetryInterceptor.RetryListener.NONE);
      api = BatchApis.of(teacher, http, apiKey);
      runner =
          new BatchRunner(
              api,
              new BatchLedger(journal.dir()),
              teacher.batch(),
              runId,
              Map.of("orcaset_run", runId, "orcaset_dataset", dataset),
              Sleeper.SYSTEM,
              LOG::info);
    }

    @Override
    public void close() {
      TeacherHttp.shutdown(http);
    }
  }

  private static Map<String, BatchItem> items(Iterable<Question> questions) {
    Map<String, BatchItem> items = new LinkedHashMap<>();
    for (Question q : questions) {
      items.put(q.requestHash(), new BatchItem(q.requestHash(), q.request()));
    }
    return items;
  }

  /** A stage's DoFn holding its instance's batch API client from setup to teardown. */
  abstract static class WithBatchClient<I, O> extends DoFn<I, O> {
    final TeacherConfig teacher;
    final String runId;
    final JournalConfig journal;
    final String dataset;
    transient Client client;

    WithBatchClient(TeacherConfig teacher, String runId, JournalConfig journal, String dataset) {
      this.teacher = teacher;
      this.runId = runId;
      this.journal = journal;
      this.dataset = dataset;
    }

    @Setup
    public void setup() {
      client = new Client(teacher, runId, journal, dataset);
    }

    @Teardown
    public void teardown() {
      if (client != null) {
        client.close();
      }
    }
  }

  /** Builds one file's batches and submits them (or adopts open ones); waits on none. */
  static final class SubmitFn
      extends WithBatchClient<KV<Integer, Iterable<Question>>, KV<Integer, BatchRecord>> {
    SubmitFn(TeacherConfig teacher, String runId, JournalConfig journal, String dataset) {
      super(teacher, runId, journal, dataset);
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<Question>> file, OutputReceiver<KV<Integer, BatchRecord>> out)
        throws Exception {
      Map<String, BatchItem> items = items(file.getValue());
      List<BatchRecord> batches = client.runner.submit(items);
      LOG.info(
          "batch file {}: {} questions in {} batches{}",
          file.getKey(),
          items.size(),
          batches.size(),
          teacher.batch().collect() ? "" : "; run the same command again to collect them");
      batches.forEach(b -> out.output(KV.of(file.getKey(), b)));
    }
  }

  /** Polls one file's batches until final and journals and emits their results. */
  static final class CollectFn
      extends WithBatchClient<KV<Integer, Iterable<KV<Question, BatchRecord>>>, Sample> {
    private final Rows rows;

    CollectFn(
        TeacherConfig teacher, Rows rows, String runId, JournalConfig journal, String dataset) {
      super(teacher, runId, journal, dataset);
      this.rows = rows;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<KV<Question, BatchRecord>>> file, MultiOutputReceiver out)
        throws Exception {
      if (!teacher.batch().collect()) {
        out.get(Outcomes.USAGE).output(TeacherUsage.NONE); // `--no-wait`: a later run collects
        return;
      }
      Map<String, Question> byHash = new HashMap<>();
      List<BatchRecord> batches = new ArrayList<>();
      for (KV<Question, BatchRecord> part : file.getValue()) {
        if (part.getKey() != null) {
          byHash.put(part.getKey().requestHash(), part.getKey());
        } else {
          batches.add(part.getValue());
        }
      }
      Map<String, BatchItem> items = items(byHash.values());
      AtomicReference<IOException> unsaved = new AtomicReference<>();
      AtomicReference<TeacherUsage> usage = new AtomicReference<>(TeacherUsage.NONE);
      long callsBefore = client.api.calls();
      try (JournalWriter writer =
          new JournalWriter(
              journal.dir(), runId, journal.commitEvery(), journal.commitSeconds(), unsaved::set)) {
        AnswerRecorder recorder = new AnswerRecorder(rows, writer, runId, DropReason.BATCH_ERROR);
        client.runner.collect(
            batches,
            items,
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
                    "cannot save batch results to the journal in " + journal.dir(), unsaved.get());
              }
            });
      }
      LOG.info(
          "batch mode: {} questions in {} batches, {} HTTP calls to the batch API",
          items.size(),
          batches.size(),
          client.api.calls() - callsBefore);
      out.get(Outcomes.USAGE).output(usage.get());
    }
  }
}
