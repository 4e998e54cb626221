package dev.orcaset.teacher.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.config.BatchConfig;
import dev.orcaset.config.OrcasetConfig;
import dev.orcaset.config.TeacherConfig;
import dev.orcaset.model.ChatRequest;
import dev.orcaset.teacher.RateLimiter;
import dev.orcaset.teacher.RetryInterceptor;
import dev.orcaset.teacher.Sleeper;
import dev.orcaset.teacher.TeacherException;
import dev.orcaset.teacher.TeacherHttp;
import dev.orcaset.teacher.sim.SimulatedAnswers;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch runner against the simulated teacher's Batch API, over real HTTP on loopback. */
class BatchRunnerTest {
  @TempDir Path journal;
  SimulatedTeacher sim;
  OkHttpClient http;
  List<String> log = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    sim = SimulatedTeacher.start(0, 0, 0);
    TeacherConfig t =
        new OrcasetConfig(null, null, null, null, null, null, null, null, null, null, null)
            .teacher().toBuilder().provider("openai").baseUrl(sim.baseUrl()).build();
    http =
        TeacherHttp.client(t, null, RateLimiter.unlimited(), RetryInterceptor.RetryListener.NONE);
  }

  @AfterEach
  void stop() {
    TeacherHttp.shutdown(http);
    sim.close();
  }

  private BatchRunner runner(int maxRequests, int maxResubmits, Sleeper sleeper) {
    return runner(
        new BatchConfig(maxRequests, null, null, 1, 2, maxResubmits, null, null),
        Map.of("dataset", "test"),
        sleeper);
  }

  /** A worker of run-1 on this test's journal: several share the ledger, as workers of a run do. */
  private BatchRunner runner(BatchConfig cfg, Map<String, String> metadata, Sleeper sleeper) {
    return new BatchRunner(
        new OpenAiBatchApi(http, sim.baseUrl(), "KEY_ENV", null, "24h"),
        new BatchLedger(journal.toString()),
        cfg,
        "run-1",
        metadata,
        sleeper,
        log::add);
  }

  private static Map<String, BatchItem> items(String... questions) {
    Map<String, BatchItem> out = new LinkedHashMap<>();
    for (String q : questions) {
      ChatRequest r =
          new ChatRequest("m", "Think step by step.", q, 0.7, null, 256, null, false, false, null);
      out.put(r.requestHash(), new BatchItem(r.requestHash(), r));
    }
    return out;
  }

  private static String[] questions(int n) {
    String[] q = new String[n];
    for (int i = 0; i < n; i++) {
      q[i] = "Question " + i + ": what is " + i + " + " + i + "?";
    }
    return q;
  }

  private Map<String, BatchResult> collect(BatchRunner runner, Map<String, BatchItem> items)
      throws Exception {
    Map<String, BatchResult> results = new HashMap<>();
    runner.run(
        items,
        true,
        batch ->
            batch.forEach(r -> assertNull(results.put(r.customId(), r), "one result per request")));
    return results;
  }

  /** One file of {@code n} of {@link #questions}: what the provider queues for it. */
  private static long tokens(Map<String, BatchItem> items) {
    return items.values().stream().mapToLong(BatchItem::enqueuedTokens).sum();
  }

  @Test
  void submitsInWavesUnderTheEnqueuedTokenBudget_soTheProviderRefusesNone() throws Exception {
    Map<String, BatchItem> items = items(questions(50));
    long budget = tokens(items) * 2 / 5 + 100; // two files of ten at a time, not three
    sim.batches().enqueuedTokenLimit(budget);
    sim.batches().pollsToComplete(4); // the simulated provider's clock is its polls
    BatchConfig cfg = new BatchConfig(10, null, null, 1, 2, 2, null, budget);
    BatchRunner runner = runner(cfg, Map.of(), ms -> {});
    Map<String, BatchResult> results = new HashMap<>();
    runner.run(items, true, batch -> batch.forEach(r -> results.put(r.customId(), r)));

    assertEquals(50, results.size());
    assertTrue(results.values().stream().allMatch(r -> r.answer() != null));
    assertEquals(0, sim.batches().refusedForQueue(), String.join("\n", log));
    assertEquals(5, sim.batches().batchesCreated());
    assertTrue(sim.batches().peakEnqueuedTokens() <= budget);
    assertTrue(sim.batches().peakEnqueuedTokens() > budget / 2, "two files ran at once, not one");
    assertTrue(log.stream().anyMatch(l -> l.contains("waits for running batches")), log.toString());
    assertEquals(
        budget / 2 + 50,
        new BatchLedger(journal.toString()).all().get(0).enqueuedTokens(),
        1 + budget / 2,
        "the ledger records what each batch queues");
  }

  /**
   * Two workers of one run share a journal and the budget, and start submitting at the same moment:
   * claims in the ledger keep the files queued at once within the budget, so the provider refuses
   * none (checking the ledger alone, both saw an empty queue and both submitted).
   */
  @Test
  void twoWorkersStartingTogether_neverQueueMoreThanTheBudgetBetweenThem() throws Exception {
    Map<String, BatchItem> first = items(questions(30));
    Map<String, BatchItem> second = new LinkedHashMap<>();
    for (String q : questions(60)) {
      Map<String, BatchItem> one = items(q);
      one.keySet().removeAll(first.keySet());
      second.putAll(one);
    }
    long budget = tokens(first) / 3 + 100; // one file of ten at a time, between both workers
    sim.batches().enqueuedTokenLimit(budget);
    sim.batches().pollsToComplete(3);
    BatchConfig cfg = new BatchConfig(10, null, null, 1, 2, 0, null, budget);
    CyclicBarrier together = new CyclicBarrier(2);
    Map<String, BatchResult> results = new ConcurrentHashMap<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    List<Thread> workers = new ArrayList<>();
    for (Map<String, BatchItem> items : List.of(first, second)) {
      // Real interleaving: each wait is slept, a fiftieth of it.
      BatchRunner runner = runner(cfg, Map.of(), ms -> Thread.sleep(Math.max(1, ms / 50)));
      Thread t =
          new Thread(
              () -> {
                try {
                  together.await();
                  runner.run(items, true, b -> b.forEach(r -> results.put(r.customId(), r)));
                } catch (Throwable e) {
                  errors.add(e);
                }
              });
      t.start();
      workers.add(t);
    }
    for (Thread t : workers) {
      t.join(60_000);
    }
    assertEquals(List.of(), errors);
    assertEquals(60, results.size());
    assertTrue(results.values().stream().allMatch(r -> r.answer() != null));
    assertEquals(0, sim.batches().refusedForQueue(), String.join("\n", log));
    assertEquals(6, sim.batches().batchesCreated());
    assertTrue(sim.batches().peakEnqueuedTokens() <= budget);
    assertEquals(
        List.of(), Files.list(journal.resolve("batches/claims")).toList(), "every claim released");
  }

  @Test
  void aBatchTheProviderRefusesForItsQueue_isSubmittedAgain_nothingFails() throws Exception {
    Map<String, BatchItem> items = items(questions(30));
    sim.batches().enqueuedTokenLimit(tokens(items) / 3 + 100); // one file of ten at a time
    Map<String, BatchResult> results = collect(runner(10, 0, ms -> {}), items);

    assertEquals(30, results.size());
    assertTrue(results.values().stream().allMatch(r -> r.answer() != null), results.toString());
    assertTrue(sim.batches().refusedForQueue() > 0, "the provider refused some at first");
    assertTrue(
        sim.batches().submissionsByCustomId().values().stream().allMatch(n -> n == 1),
        "a refused batch ran nothing: no request was paid twice");
    assertTrue(
        log.stream().anyMatch(l -> l.contains("max_enqueued_tokens")),
        "says how to wait instead: " + log);
  }

  @Test
  void splitsIntoSeveralFiles_joinsOutOfOrderLinesByCustomId() throws Exception {
    Map<String, BatchItem> items = items(questions(25));
    Map<String, BatchResult> results = collect(runner(10, 2, ms -> {}), items);
    assertEquals(3, sim.batches().batchesCreated(), "25 requests at 10 per file");
    assertEquals(25, results.size());
    for (BatchItem item : items.values()) {
      BatchResult r = results.get(item.customId());
      assertEquals(
          SimulatedAnswers.answer("Think step by step.", item.request().userMessage()),
          r.answer().content(),
          "each answer is joined to its own request although the output file is in reverse order");
      assertEquals("stop", r.answer().finishReason());
    }
    assertTrue(sim.batches().submissionsByCustomId().values().stream().allMatch(n -> n == 1));
    assertEquals(
        3,
        new BatchLedger(journal.toString()).all().stream().filter(BatchRecord::collected).count());
  }

  @Test
  void aSplitAlsoRespectsTheByteLimit() {
    BatchRunner r =
        new BatchRunner(
            new OpenAiBatchApi(http, sim.baseUrl(), "K", null, "24h"),
            new BatchLedger(journal.toString()),
            new BatchConfig(1000, 2000L, null, 1, 1, 0, null, null),
            "run",
            Map.of(),
            ms -> {},
            log::add);
    List<List<BatchItem>> chunks = r.split(new ArrayList<>(items(questions(12)).values()));
    assertTrue(chunks.size() > 1, "12 lines of ~400 bytes do not fit 2000 bytes");
    for (List<BatchItem> c : chunks) {
      long bytes =
          c.stream()
              .mapToLong(new OpenAiBatchApi(http, sim.baseUrl(), "K", null, "24h")::sizeOf)
              .sum();
      assertTrue(bytes <= 2000, bytes + " bytes in one file");
    }
    assertEquals(12, chunks.stream().mapToInt(List::size).sum());
  }

  @Test
  void anErrorFileLine_andA500InsideALine_becomeFailuresWithTheProvidersMessage() throws Exception {
    Map<String, BatchItem> items =
        items(
            "Fine question?",
            "Bad line [[sim:batch-line-error]]",
            "Server trouble [[sim:status=500]]");
    Map<String, BatchResult> results = collect(runner(100, 2, ms -> {}), items);
    List<BatchItem> list = new ArrayList<>(items.values());
    assertNotNull(results.get(list.get(0).customId()).answer());
    TeacherException lineError = results.get(list.get(1).customId()).error();
    assertEquals(TeacherException.Kind.PERMANENT, lineError.kind());
    assertTrue(lineError.getMessage().contains("simulated per-line error"), lineError.getMessage());
    TeacherException serverError = results.get(list.get(2).customId()).error();
    assertEquals(500, serverError.httpStatus());
    assertEquals(
        TeacherException.Kind.RETRYABLE, serverError.kind(), "a 500 may succeed when asked again");
  }

  @Test
  void anExpiredBatchKeepsItsPartialResults_andResubmitsOnlyTheMissingRequests() throws Exception {
    sim.batches().expireNext(1);
    Map<String, BatchItem> items = items(questions(10));
    Map<String, BatchResult> results = collect(runner(100, 2, ms -> {}), items);
    assertEquals(10, results.size());
    assertTrue(
        results.values().stream().allMatch(r -> r.answer() != null),
        "all answered after one resubmission");
    Map<String, Integer> submissions = sim.batches().submissionsByCustomId();
    assertEquals(
        5,
        submissions.values().stream().filter(n -> n == 1).count(),
        "the expired batch's 5 answers were kept");
    assertEquals(
        5,
        submissions.values().stream().filter(n -> n == 2).count(),
        "only the 5 missing were resubmitted");
    assertEquals(2, sim.batches().batchesCreated());
  }

  @Test
  void resubmissionsAreBounded_thenTheRequestsFail() throws Exception {
    sim.batches().expireNext(5);
    Map<String, BatchResult> results = collect(runner(100, 1, ms -> {}), items(questions(4)));
    assertEquals(2, sim.batches().batchesCreated(), "first submission and one resubmission");
    assertEquals(
        3,
        results.values().stream().filter(r -> r.answer() != null).count(),
        "2 from the first, 1 from the second");
    BatchResult lost =
        results.values().stream().filter(r -> r.error() != null).findFirst().orElseThrow();
    assertEquals("batch_expired", lost.error().providerCode());
    assertTrue(
        lost.error().getMessage().contains("no answer after 2 batch submissions"),
        lost.error().getMessage());
  }

  @Test
  void aFailedBatchIsReportedWithTheProvidersErrors() throws Exception {
    Map<String, BatchResult> results =
        collect(runner(100, 2, ms -> {}), items("ok?", "broken [[sim:batch-invalid]]"));
    assertEquals(2, results.size());
    for (BatchResult r : results.values()) {
      assertEquals("batch_failed", r.error().providerCode());
      assertTrue(
          r.error().getMessage().contains("line 2: invalid_request simulated validation error"),
          r.error().getMessage());
    }
    assertTrue(log.stream().anyMatch(l -> l.contains("failed: line 2")), log.toString());
  }

  @Test
  void aCrashBetweenSubmitAndDownload_resumesByPollingTheSameBatches() throws Exception {
    Map<String, BatchItem> items = items(questions(30));
    sim.batches().pollsToComplete(3);
    Sleeper crash =
        ms -> {
          throw new InterruptedException("killed while waiting");
        };
    assertThrows(InterruptedException.class, () -> collect(runner(10, 2, crash), items));
    assertEquals(3, sim.batches().batchesCreated());
    assertEquals(
        3,
        new BatchLedger(journal.toString()).open().size(),
        "the submitted batches are in the ledger");

    Map<String, BatchResult> results = collect(runner(10, 2, ms -> {}), items);
    assertEquals(30, results.size());
    assertEquals(3, sim.batches().batchesCreated(), "no second submission");
    assertEquals(Set.of(1), Set.copyOf(sim.batches().submissionsByCustomId().values()));
    assertTrue(
        log.stream().anyMatch(l -> l.contains("polling it instead of submitting again")),
        log.toString());
  }

  @Test
  void noWaitSubmitsAndRecords_aLaterRunCollectsWithoutResubmitting() throws Exception {
    Map<String, BatchItem> items = items(questions(5));
    List<BatchRecord> submitted =
        runner(100, 2, ms -> {})
            .run(
                items,
                false,
                r -> {
                  throw new AssertionError("no results without waiting");
                });
    assertEquals(1, submitted.size());
    Map<String, BatchResult> results = collect(runner(100, 2, ms -> {}), items);
    assertEquals(5, results.size());
    assertEquals(1, sim.batches().batchesCreated());
  }
}
