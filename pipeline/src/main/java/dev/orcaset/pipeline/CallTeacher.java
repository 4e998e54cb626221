package dev.orcaset.pipeline;

import dev.orcaset.config.JournalConfig;
import dev.orcaset.config.TeacherConfig;
import dev.orcaset.journal.JournalEntry;
import dev.orcaset.teacher.ChatCompletion;
import dev.orcaset.teacher.ChatRequest;
import dev.orcaset.teacher.TeacherException;
import dev.orcaset.teacher.TeacherException.Kind;
import dev.orcaset.teacher.TeacherPool;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.joda.time.Instant;
import dev.orcaset.cost.Price;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Asks the teacher every query, in batches, many at a time: up to `teacher.concurrency` requests in flight
 * per worker JVM, shared by all threads ({@link TeacherPool}). When all permits are taken,
 * processing blocks, so inputs wait upstream instead of piling up in memory.
 *
 * <p>Output: {@link Outcomes#SAMPLES} answered queries (license fields still empty);
 * {@link Outcomes#FAILED} queries the server rejected for good, or that ran out of retries. Every
 * answer and permanent failure is appended to the journal as it arrives (see {@link
 * dev.orcaset.journal.JournalWriter}); a batch the runner retries, on this worker or another, takes
 * the answers the first attempt saved instead of asking again. A job-level error (bad key, exhausted quota, unknown model) fails the pipeline with a
 * {@link TeacherException} of kind FATAL whose message says what to fix.
 */
public final class CallTeacher extends PTransform<PCollection<Query>, PCollectionTuple> {
  private final TeacherConfig teacher;
  private final String runId;
  private final Price price;
  private final JournalConfig journal;

  /**
   * {@code price} may be null (cost unknown); it only feeds the progress line. {@code journal}
   * names the journal's folder in {@code dir}.
   */
  public CallTeacher(TeacherConfig teacher, String runId, Price price, JournalConfig journal) {
    this.teacher = teacher;
    this.runId = runId;
    this.price = price;
    this.journal = journal;
  }

  /**
   * Queries are grouped into this many batches. A batch is worked through by one thread with up to
   * `teacher.concurrency` requests in flight, so one batch can saturate a worker; the number only
   * bounds how many workers share the load. Grouping also matters on the DirectRunner, which
   * otherwise hands upstream records over one per bundle and would leave one request in flight.
   */
  static final int BATCHES = 64;

  @Override
  public PCollectionTuple expand(PCollection<Query> queries) {
    PCollectionView<Long> total = queries.apply("CountQuestions", Count.globally()).apply("Total", View.asSingleton());
    PCollectionTuple out = queries
        .apply("AssignBatch", WithKeys.of((Query q) -> Math.floorMod(q.id().hashCode(), BATCHES))
            .withKeyType(TypeDescriptors.integers()))
        .setCoder(KvCoder.of(VarIntCoder.of(), Outcomes.QUERY_CODER))
        .apply("Batch", GroupByKey.create())
        .apply("Ask", ParDo.of(new AskFn(teacher, runId, price, journal, total)).withSideInputs(total)
            .withOutputTags(Outcomes.SAMPLES, TupleTagList.of(Outcomes.FAILED)));
    return Outcomes.withCoders(out);
  }

  static final class AskFn extends DoFn<KV<Integer, Iterable<Query>>, Sample> {
    private final TeacherConfig teacher;
    private final String runId;
    private final Price price;
    private final JournalConfig journal;
    private final PCollectionView<Long> total;
    // Beam metrics (Dataflow shows them): updated here, on the DoFn's thread, as Beam requires.
    private final Counter answered = Metrics.counter("orcaset", "teacher_answered");
    private final Counter failed = Metrics.counter("orcaset", "teacher_failed");
    private final Counter retries = Metrics.counter("orcaset", "teacher_retries");
    private final Counter promptTokens = Metrics.counter("orcaset", "teacher_prompt_tokens");
    private final Counter completionTokens = Metrics.counter("orcaset", "teacher_completion_tokens");
    private final Counter reusedOnRetry = Metrics.counter("orcaset", "journal_reused_on_retry");
    private transient TeacherPool.Shared shared;
    private transient ConcurrentLinkedQueue<Object> finished;
    private transient int pending;

    AskFn(TeacherConfig teacher, String runId, Price price, JournalConfig journal, PCollectionView<Long> total) {
      this.teacher = teacher;
      this.runId = runId;
      this.price = price;
      this.journal = journal;
      this.total = total;
    }

    @Setup
    public void setup() {
      shared = TeacherPool.acquire(runId, teacher, price, journal);
    }

    @StartBundle
    public void startBundle() {
      finished = new ConcurrentLinkedQueue<>();
      pending = 0;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Query>> batch, MultiOutputReceiver out, ProcessContext c)
        throws Exception {
      shared.expectTotal(c.sideInput(total));
      String batchKey = String.valueOf(batch.getKey());
      shared.journal().adoptBatch(batchKey); // a retried batch may have been answered elsewhere
      for (Query q : batch.getValue()) {
        shared.throwIfFatal();
        ChatRequest request = Answers.request(teacher, q);
        var saved = shared.journal().lookup(request.requestHash());
        if (saved.isPresent()) { // a retried batch: this worker has paid for it already
          reusedOnRetry.inc();
          finished.add(Answers.row(teacher, q, request, saved.get()));
          continue;
        }
        shared.inFlight().acquire();
        if (shared.isStopped()) { // stopped while waiting for a permit: send nothing more
          shared.inFlight().release();
          shared.throwIfFatal();
        }
        shared.holdIfDraining();
        synchronized (this) {
          pending++;
        }
        shared.client().complete(request).whenComplete((answer, error) -> {
          TeacherException failure = answer == null ? teacherError(error) : null;
          // Journaled before the permit is returned: a stop that waits for the permits to come
          // back knows every answer that arrived is in the journal.
          Object row = answer != null ? sample(q, request, answer, batchKey) : failure(q, request, failure, batchKey);
          shared.inFlight().release();
          shared.recordOutcome(answer, failure);
          finished.add(row);
          synchronized (this) {
            pending--;
            notifyAll();
          }
        });
        drain(out);
      }
      // No waiting here: the next batch keeps the permits busy while this one's last answers
      // arrive. Whatever is still in flight is emitted at the end of the bundle.
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext ctx) throws Exception {
      synchronized (this) {
        while (pending > 0) {
          wait(1_000);
        }
      }
      Instant at = GlobalWindow.INSTANCE.maxTimestamp(); // where the batching GroupByKey put them
      drain(new Emitter() {
        @Override
        public void sample(Sample s) {
          ctx.output(Outcomes.SAMPLES, s, at, GlobalWindow.INSTANCE);
        }

        @Override
        public void failure(FailedRequest f) {
          ctx.output(Outcomes.FAILED, f, at, GlobalWindow.INSTANCE);
        }
      });
    }

    @Teardown
    public void teardown() {
      if (shared != null) {
        TeacherPool.release(shared);
        shared = null;
      }
    }

    /** Where finished answers go: the element's receiver, or the bundle's context at its end. */
    private interface Emitter {
      void sample(Sample s);

      void failure(FailedRequest f);
    }

    private void drain(MultiOutputReceiver out) throws TeacherException {
      drain(new Emitter() {
        @Override
        public void sample(Sample s) {
          out.get(Outcomes.SAMPLES).output(s);
        }

        @Override
        public void failure(FailedRequest f) {
          out.get(Outcomes.FAILED).output(f);
        }
      });
    }

    /** Emits the answers that have arrived; stops the job if one of them was fatal. */
    private void drain(Emitter out) throws TeacherException {
      for (Object done = finished.poll(); done != null; done = finished.poll()) {
        if (done instanceof Sample s) {
          answered.inc();
          retries.inc(s.attempts() - 1);
          promptTokens.inc(s.promptTokens());
          completionTokens.inc(s.completionTokens());
          out.sample(s);
        } else if (done instanceof FailedRequest f) {
          failed.inc();
          retries.inc(Math.max(0, f.attempts() - 1));
          out.failure(f);
        }
      }
      shared.throwIfFatal();
    }

    /** Saves the answer to the journal first: from here on it is paid for and must not be lost. */
    private Sample sample(Query q, ChatRequest request, ChatCompletion a, String batchKey) {
      JournalEntry e = JournalEntry.answer(request.requestHash(), runId, System.currentTimeMillis(), a);
      shared.journal().append(e, batchKey);
      return Answers.sample(teacher, q, request, e);
    }

    private static TeacherException teacherError(Throwable error) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      return cause instanceof TeacherException t ? t : new TeacherException(Kind.RETRYABLE, String.valueOf(cause), 1, cause);
    }

    /**
     * A failed answer becomes a row in failed/, unless it means no answer can succeed. Permanent
     * failures are journaled (asking again would fail again); running out of retries is not.
     */
    private Object failure(Query q, ChatRequest request, TeacherException te, String batchKey) {
      if (te.kind() == Kind.FATAL) {
        shared.markFatal(te);
        return te; // not a row: the job stops, see drain()
      }
      var f = new JournalEntry.Failure(te.httpStatus(), te.providerCode(), te.getMessage(), te.attempts());
      if (te.kind() == Kind.PERMANENT) {
        shared.journal().append(JournalEntry.failure(request.requestHash(), runId, System.currentTimeMillis(), f), batchKey);
        return Answers.failure(q, request, f, "permanent_error");
      }
      return Answers.failure(q, request, f, "retries_exhausted");
    }
  }
}
