package dev.orcaset.pipeline;

import dev.orcaset.config.JournalConfig;
import dev.orcaset.config.TeacherConfig;
import dev.orcaset.cost.Price;
import dev.orcaset.journal.JournalWriter;
import dev.orcaset.model.Answer;
import dev.orcaset.model.DropReason;
import dev.orcaset.model.FailedRequest;
import dev.orcaset.model.Question;
import dev.orcaset.model.Sample;
import dev.orcaset.teacher.TeacherException;
import dev.orcaset.teacher.TeacherException.Kind;
import dev.orcaset.teacher.TeacherPool;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Instant;

/**
 * Asks the teacher every question, in batches, many at a time: up to `teacher.concurrency` requests
 * in flight per worker JVM, shared by all threads ({@link TeacherPool}). When all permits are
 * taken, processing blocks, so inputs wait upstream instead of piling up in memory.
 *
 * <p>Output: {@link Outcomes#SAMPLES} answered questions; {@link Outcomes#FAILED} questions the
 * server rejected for good, or that ran out of retries. Every answer goes through one {@link
 * AnswerRecorder} (journal first, then the row). A batch the runner retries, on this worker or
 * another, takes the answers the first attempt saved instead of asking again. A job-level error
 * (bad key, exhausted quota, unknown model) fails the pipeline with a {@link TeacherException} of
 * kind FATAL whose message says what to fix.
 *
 * <p>Each DoFn instance stops by itself: when the runner tears it down (end of work, cancel) or the
 * JVM shuts down (SIGTERM to a worker), it sends nothing more, waits up to {@value #GRACE_MILLIS}
 * ms for the answers in flight (they are paid for) and commits its journal.
 */
final class CallTeacher extends PTransform<PCollection<Question>, PCollectionTuple> {
  /** How long a stopping worker waits for answers in flight: within schedulers' 30 s grace. */
  static final long GRACE_MILLIS = 10_000;

  /**
   * Questions are grouped into batches of about this many (by a hash of the question id, over as
   * many batches as the run's total needs). A batch is worked through by one thread with up to
   * `teacher.concurrency` requests in flight, so one batch can saturate a worker; batches are the
   * unit a runner hands to workers and retries, so their size bounds what a retry redoes, and their
   * number how many workers share the load (5M questions: 10,000 batches).
   */
  static final int BATCH_QUESTIONS = 500;

  /**
   * Small runs still get this many batches, so every worker thread gets some. Grouping also matters
   * on the DirectRunner, which otherwise hands upstream records over one per bundle and would leave
   * one request in flight.
   */
  static final int MIN_BATCHES = 64;

  /** How many batches a run of {@code total} questions is spread over. */
  static int batchesFor(long total) {
    long wanted = (total + BATCH_QUESTIONS - 1) / BATCH_QUESTIONS;
    return (int) Math.max(MIN_BATCHES, Math.min(1 << 24, wanted));
  }

  private final TeacherConfig teacher;
  private final Rows rows;
  private final String runId;
  private final Price price;
  private final JournalConfig journal;

  /** Keys each question by its batch: a hash of its id, so a retried batch holds the same ones. */
  static final class AssignBatchFn extends DoFn<Question, KV<Integer, Question>> {
    private final PCollectionView<Long> total;

    AssignBatchFn(PCollectionView<Long> total) {
      this.total = total;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      Question q = c.element();
      c.output(KV.of(Math.floorMod(q.id().hashCode(), batchesFor(c.sideInput(total))), q));
    }
  }

  /** {@code price} may be null (cost unknown); it only feeds the progress line. */
  CallTeacher(TeacherConfig teacher, Rows rows, String runId, Price price, JournalConfig journal) {
    this.teacher = teacher;
    this.rows = rows;
    this.runId = runId;
    this.price = price;
    this.journal = journal;
  }

  @Override
  public PCollectionTuple expand(PCollection<Question> questions) {
    PCollectionView<Long> total =
        questions.apply("CountQuestions", Count.globally()).apply("Total", View.asSingleton());
    PCollectionTuple out =
        questions
            .apply("AssignBatch", ParDo.of(new AssignBatchFn(total)).withSideInputs(total))
            .setCoder(KvCoder.of(VarIntCoder.of(), Outcomes.QUESTION_CODER))
            .apply("Batch", GroupByKey.create())
            .apply(
                "Ask",
                ParDo.of(new AskFn(teacher, rows, runId, price, journal, total))
                    .withSideInputs(total)
                    .withOutputTags(
                        Outcomes.SAMPLES, TupleTagList.of(Outcomes.FAILED).and(Outcomes.USAGE)));
    return Outcomes.withCoders(out);
  }

  static final class AskFn extends DoFn<KV<Integer, Iterable<Question>>, Sample> {
    private final TeacherConfig teacher;
    private final Rows rows;
    private final String runId;
    private final Price price;
    private final JournalConfig journal;
    private final PCollectionView<Long> total;
    // Beam metrics (Dataflow shows them): updated here, on the DoFn's thread, as Beam requires.
    private final Counter answered = Metrics.counter("orcaset", "teacher_answered");
    private final Counter failed = Metrics.counter("orcaset", "teacher_failed");
    private final Counter retries = Metrics.counter("orcaset", "teacher_retries");
    private final Counter promptTokens = Metrics.counter("orcaset", "teacher_prompt_tokens");
    private final Counter completionTokens =
        Metrics.counter("orcaset", "teacher_completion_tokens");
    private final Counter reusedOnRetry = Metrics.counter("orcaset", "journal_reused_on_retry");
    // Dataflow's autoscaler reads this: time waiting on the teacher's limits is not work that
    // more workers would get done.
    private final Counter throttled =
        Metrics.counter(Metrics.THROTTLE_TIME_NAMESPACE, Metrics.THROTTLE_TIME_COUNTER_NAME);
    private transient TeacherPool.Shared shared;
    private transient AnswerRecorder recorder;
    private transient Runnable onShutdown;
    private transient Runnable onFatal;
    private transient volatile boolean stopping;
    private transient ConcurrentLinkedQueue<Answer> finished;
    private transient Outstanding outstanding;
    private transient TeacherUsage usage;

    AskFn(
        TeacherConfig teacher,
        Rows rows,
        String runId,
        Price price,
        JournalConfig journal,
        PCollectionView<Long> total) {
      this.teacher = teacher;
      this.rows = rows;
      this.runId = runId;
      this.price = price;
      this.journal = journal;
      this.total = total;
    }

    @Setup
    public void setup() {
      shared = TeacherPool.acquire(teacher, price, runId);
      JournalWriter writer =
          new JournalWriter(
              journal.dir(),
              runId,
              journal.commitEvery(),
              journal.commitSeconds(),
              e ->
                  shared.markFatal(
                      runId,
                      new TeacherException(
                          Kind.FATAL,
                          0,
                          "journal_unwritable",
                          "cannot save answers to the journal in "
                              + journal.dir()
                              + ": "
                              + e.getMessage()
                              + "; stopping so that no paid answer goes unsaved. Check the"
                              + " folder's space and permissions",
                          0)));
      recorder = new AnswerRecorder(rows, writer, runId, DropReason.RETRIES_EXHAUSTED);
      finished = new ConcurrentLinkedQueue<>();
      outstanding = new Outstanding();
      // A worker JVM told to stop (SIGTERM from a scheduler, Ctrl-C in-process) saves its own
      // answers: nothing outside this JVM can reach them.
      onShutdown = this::stop;
      WorkerStops.add(onShutdown, journal.dir(), runId);
      onFatal = this::stop;
      shared.onFatal(onFatal);
    }

    @StartBundle
    public void startBundle() {
      finished.clear();
      usage = TeacherUsage.NONE;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<Question>> batch, MultiOutputReceiver out, ProcessContext c)
        throws Exception {
      shared.expectTotal(c.sideInput(total));
      String batchKey = String.valueOf(batch.getKey());
      recorder.journal().adoptBatch(batchKey); // a retried batch may have been answered elsewhere
      for (Question q : batch.getValue()) {
        shared.failIfFatal();
        var saved = recorder.journal().lookup(q.requestHash());
        if (saved.isPresent()) { // a retried batch: this run has paid for it already
          reusedOnRetry.inc();
          finished.add(recorder.saved(saved.get(), q));
          // Emitted now: on Flink a bundle is the whole partition, and a restarted job whose
          // batches were all answered held every one of them here until it ran out of heap.
          drain(out);
          continue;
        }
        shared.inFlight().acquire();
        // Counted before the stop flag is read: a stop sets the flag, then waits for what is
        // counted, so every request is either never sent or waited for and saved.
        outstanding.sent();
        if (stopping || shared.isFatal()) { // stopped while waiting for a permit: send no more
          outstanding.answered();
          shared.inFlight().release();
          shared.failIfFatal();
          holdUntilTornDown();
        }
        shared
            .client()
            .complete(q.request())
            .whenComplete(
                (answer, error) -> {
                  TeacherException failure = answer == null ? teacherError(error) : null;
                  // Recorded before the permit is returned: a stop that waits for the permits
                  // knows every answer that arrived is in the journal.
                  if (failure != null && failure.kind() == Kind.FATAL) {
                    shared.markFatal(runId, failure);
                  } else {
                    finished.add(
                        answer != null
                            ? recorder.answered(q, answer, batchKey)
                            : recorder.failed(q, failure, batchKey));
                  }
                  shared.inFlight().release();
                  shared.recordOutcome(answer, failure);
                  outstanding.answered();
                });
        drain(out);
      }
      // No waiting here: the next batch keeps the permits busy while this one's last answers
      // arrive. Whatever is still in flight is emitted at the end of the bundle.
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext ctx) throws Exception {
      outstanding.awaitAll();
      Instant at = GlobalWindow.INSTANCE.maxTimestamp(); // where the batching GroupByKey put them
      drain(
          new Emitter() {
            @Override
            public void sample(Sample s) {
              ctx.output(Outcomes.SAMPLES, s, at, GlobalWindow.INSTANCE);
            }

            @Override
            public void failure(FailedRequest f) {
              ctx.output(Outcomes.FAILED, f, at, GlobalWindow.INSTANCE);
            }
          });
      // What this bundle's requests used, added up by CountOutcomes. Nothing for a bundle that
      // sent nothing: on the DirectRunner every element downstream costs a bundle of its own,
      // and an empty one for each of the many empty bundles made runs three times slower.
      if (!usage.equals(TeacherUsage.NONE)) {
        ctx.output(Outcomes.USAGE, usage, at, GlobalWindow.INSTANCE);
      }
    }

    @Teardown
    public void teardown() {
      if (shared == null) {
        return;
      }
      stop();
      shared.removeOnFatal(onFatal);
      WorkerStops.remove(onShutdown);
      recorder.journal().close();
      TeacherPool.release(shared);
      shared = null;
    }

    /**
     * Sends nothing more from this worker, waits a little for the answers in flight, and commits
     * the journal. Requests still unanswered after the grace period are not recorded: the next run
     * asks them again.
     */
    private void stop() {
      stopping = true;
      outstanding.awaitAll(GRACE_MILLIS);
      recorder.journal().flush();
    }

    /**
     * A sender that may not send any more is held, not failed: failing the bundle would make the
     * runner retry it (and tear down the client the answers in flight arrive on). The worker is
     * stopping anyway; a runner's cancel interrupts this wait.
     */
    private static void holdUntilTornDown() throws InterruptedException {
      while (true) {
        Thread.sleep(100);
      }
    }

    /** Where finished answers go: the element's receiver, or the bundle's context at its end. */
    private interface Emitter {
      void sample(Sample s);

      void failure(FailedRequest f);
    }

    private void drain(MultiOutputReceiver out) throws TeacherException {
      drain(
          new Emitter() {
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
      long waited = shared.takeThrottledMillis();
      if (waited > 0) {
        throttled.inc(waited);
      }
      for (Answer done = finished.poll(); done != null; done = finished.poll()) {
        usage = usage.plus(TeacherUsage.paid(done));
        if (done instanceof Sample s) {
          answered.inc();
          retries.inc(s.attempts() - 1);
          promptTokens.inc(s.promptTokens());
          completionTokens.inc(s.completionTokens());
          out.sample(s);
        } else {
          FailedRequest f = (FailedRequest) done;
          failed.inc();
          retries.inc(Math.max(0, f.attempts() - 1));
          out.failure(f);
        }
      }
      shared.failIfFatal();
    }

    private static TeacherException teacherError(Throwable error) {
      Throwable cause =
          error instanceof CompletionException && error.getCause() != null
              ? error.getCause()
              : error;
      return cause instanceof TeacherException t
          ? t
          : new TeacherException(Kind.RETRYABLE, String.valueOf(cause), 1, cause);
    }
  }
}
