package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orcaset.TestRuns;
import dev.orcaset.cli.Main;
import dev.orcaset.teacher.batch.BatchLedger;
import dev.orcaset.teacher.batch.BatchRecord;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * `teacher.mode: batch` end to end against the simulated teacher's Batch API: the same dataset as
 * an online run, and `--no-wait` followed by a second run that collects without submitting again.
 */
class BatchModeTest {
  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = new Main(new PrintWriter(out, true), new PrintWriter(err, true)).run(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** `run --teacher-mode batch` of a config against the simulated teacher. */
  private static Run runInBatches(Path cfg, SimulatedTeacher sim) {
    return run(
        "run",
        "--config",
        cfg.toString(),
        "--teacher-url",
        sim.baseUrl(),
        "--teacher-mode",
        "batch");
  }

  private static Path inputs(Path dir, int n) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(
          "{\"inputs\": \"Batch question "
              + i
              + ": name "
              + i
              + " prime numbers.\", \"targets\": \"x\", \"task_source\": \"CoT\", \"task_name\":"
              + " \"cot_gsm8k\", \"template_type\": \"zs_opt\"}");
    }
    lines.add(
        "{\"inputs\": \"A line the batch rejects [[sim:batch-line-error]]\", \"task_source\":"
            + " \"CoT\"}");
    Files.write(dir.resolve("in.jsonl"), lines);
    Path cfg =
        TestRuns.config(dir, "batch: {max_requests: 10, poll_seconds: 1, max_poll_seconds: 1}");
    Files.writeString(
        cfg,
        Files.readString(cfg).replace("model: m,", "model: test-batch,")
            + "pricing: "
            + TestRuns.HOME.resolve("config/pricing.yaml")
            + "\n");
    return cfg;
  }

  private static Map<String, String> responses(Path out) throws Exception {
    Map<String, String> byId = new TreeMap<>();
    for (GenericRecord r : DatasetReader.rows(out.resolve("data"))) {
      byId.put(r.get("id").toString(), r.get("response").toString());
    }
    return byId;
  }

  @Test
  void batchModeMakesTheSameDatasetAsOnline_atBatchPrices() throws Exception {
    Path dir = Files.createTempDirectory("batch-same");
    Path cfg = inputs(dir, 24);
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 0, 0)) {
      Run online =
          run(
              "run",
              "--config",
              cfg.toString(),
              "--teacher-url",
              sim.baseUrl(),
              "--output",
              dir.resolve("online").toString());
      assertEquals(0, online.exit(), online.err());
      Run batch =
          run(
              "run",
              "--config",
              cfg.toString(),
              "--teacher-url",
              sim.baseUrl(),
              "--output",
              dir.resolve("batch").toString(),
              "--teacher-mode",
              "batch");
      assertEquals(0, batch.exit(), batch.err());
      assertEquals(3, sim.batches().batchesCreated(), "25 requests at 10 per file: " + batch.err());
      Map<String, String> onlineRows = responses(dir.resolve("online"));
      assertEquals(25, onlineRows.size(), "online, the marker line is just a question");
      Map<String, String> batched = responses(dir.resolve("batch"));
      onlineRows.keySet().retainAll(batched.keySet());
      assertEquals(24, onlineRows.size());
      assertEquals(onlineRows, batched, "the same rows, the same answers");
      assertEquals(24, responses(dir.resolve("batch")).size());

      JsonNode m = DatasetReader.manifest(dir.resolve("batch"));
      assertEquals(1, m.get("counts").get("failed").asLong(), "the per-line error");
      assertTrue(m.get("accounting").get("balanced").asBoolean());
      JsonNode failed = DatasetReader.jsonLines(dir.resolve("batch/failed")).get(0);
      assertTrue(failed.toString().contains("simulated per-line error"), failed.toString());
      assertTrue(
          m.get("cost")
              .get("price_source")
              .asText()
              .contains("batch API at 50% of the online price"),
          m.get("cost").toString());
      assertTrue(batch.out().contains("batch API prices"), batch.out());
      Run estimate =
          run(
              "estimate",
              "--config",
              cfg.toString(),
              "--teacher-mode",
              "batch",
              "--output",
              dir.resolve("est").toString());
      assertTrue(estimate.out().contains("batch API prices"), estimate.out());
    }
  }

  /**
   * A run's questions are spread by hash over as many files as they need, each one unit of work any
   * worker takes (so no worker holds the run's questions): 151 questions at 10 a file make 17 files
   * of about 9, each within the limit, each question in exactly one.
   */
  @Test
  void questionsAreSpreadOverFilesOfAboutNinetyPercentOfTheLimit() throws Exception {
    Path dir = Files.createTempDirectory("batch-spread");
    Path cfg = inputs(dir, 80);
    // A queue budget of about three files, which the simulated provider enforces too.
    long budget = 30_000;
    Files.writeString(
        cfg,
        Files.readString(cfg)
            .replace(
                "max_requests: 10,", "max_requests: 10, max_enqueued_tokens: " + budget + ","));
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 0, 0)) {
      sim.batches().enqueuedTokenLimit(budget);
      Run r = runInBatches(cfg, sim);
      assertEquals(0, r.exit(), r.err());
      List<BatchRecord> ledger = new BatchLedger(dir.resolve("out/.journal").toString()).all();
      assertEquals(sim.batches().batchesCreated(), ledger.size());
      assertTrue(ledger.size() >= 9, "at least one batch per file: " + ledger.size());
      assertTrue(ledger.stream().allMatch(b -> b.requestHashes().size() <= 10), ledger.toString());
      assertEquals(81, ledger.stream().mapToInt(b -> b.requestHashes().size()).sum());
      assertTrue(ledger.stream().allMatch(b -> b.enqueuedTokens() > 0));
      assertEquals(
          Set.of(1),
          Set.copyOf(sim.batches().submissionsByCustomId().values()),
          "each question in one batch");
      assertEquals(80, responses(dir.resolve("out")).size());
      long perFile = ledger.get(0).enqueuedTokens();
      assertTrue(
          sim.batches().peakEnqueuedTokens() > perFile && perFile * 3 < budget + perFile,
          "files ran side by side under the budget: peak "
              + sim.batches().peakEnqueuedTokens()
              + ", a file "
              + perFile);
    }
  }

  /**
   * A file of more than 10,000 questions on the default engine (Flink in-process), whose grouped
   * values can be read only once: a join that re-reads them failed the run after paying.
   */
  @Test
  void aFileOfMoreThanTenThousandQuestions_isCollectedOnFlink() throws Exception {
    Path dir = Files.createTempDirectory("batch-large");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 10_050; i++) {
      lines.add("{\"inputs\": \"Large batch question " + i + "\", \"task_source\": \"NIv2\"}");
    }
    Files.write(dir.resolve("in.jsonl"), lines);
    Path cfg =
        TestRuns.config(dir, "model: test-batch, batch: {poll_seconds: 1, max_poll_seconds: 1}");
    Files.writeString(cfg, Files.readString(cfg).replace("model: m, ", ""));
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 0, 0)) {
      Run r = runInBatches(cfg, sim);
      assertEquals(0, r.exit(), r.err());
      assertEquals(1, sim.batches().batchesCreated(), "one file: 10,050 is under 90% of 50,000");
      assertEquals(10_050, DatasetReader.rows(dir.resolve("out/data")).size());
    }
  }

  @Test
  void noWaitSubmitsAndReturns_theNextRunCollectsWithoutSubmittingAgain() throws Exception {
    Path dir = Files.createTempDirectory("batch-nowait");
    Path cfg = inputs(dir, 20);
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 0, 0)) {
      sim.batches().pollsToComplete(3);
      String[] args = {
        "run", "--config", cfg.toString(), "--teacher-url", sim.baseUrl(), "--teacher-mode", "batch"
      };
      List<String> first = new ArrayList<>(List.of(args));
      first.add("--no-wait");
      Run submitted = run(first.toArray(String[]::new));
      assertEquals(0, submitted.exit(), submitted.err());
      assertTrue(submitted.out().contains("21 requests are in 3 open batches"), submitted.out());
      assertTrue(
          submitted.out().contains("--teacher-mode batch")
              && !submitted.out().contains("--no-wait"),
          "prints the command that collects: " + submitted.out());
      assertFalse(
          Files.exists(dir.resolve("out/manifest.json")),
          "nothing is written before the answers are in");
      assertEquals(3, sim.batches().batchesCreated());

      Run status = run("batches", "status", "--config", cfg.toString());
      assertEquals(0, status.exit(), status.err());
      assertEquals(
          3,
          status
              .out()
              .lines()
              .filter(l -> l.startsWith("batch_sim_") && l.contains("open"))
              .count(),
          status.out());

      Run collected = run(args);
      assertEquals(0, collected.exit(), collected.err());
      assertEquals(
          3,
          sim.batches().batchesCreated(),
          "the second run polled the same batches: " + collected.err());
      assertEquals(
          Set.of(1),
          Set.copyOf(sim.batches().submissionsByCustomId().values()),
          "no request was paid twice");
      assertEquals(20, responses(dir.resolve("out")).size());
      assertEquals(0, sim.requestCount(), "no online request was sent");

      Run after = run("batches", "status", "--config", cfg.toString());
      assertEquals(
          3,
          after.out().lines().filter(l -> l.contains("collected (completed)")).count(),
          after.out());
    }
  }

  @Test
  void batchesStatusShowsTheProvidersState_andCancelCancelsTheOpenBatches() throws Exception {
    Path dir = Files.createTempDirectory("batch-cancel");
    Path cfg = inputs(dir, 12);
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 0, 0)) {
      sim.batches().pollsToComplete(1000);
      // A config that names the server itself, as a real provider's would.
      Files.writeString(
          cfg,
          Files.readString(cfg)
              .replace(
                  "provider: simulated,",
                  "provider: openai-compatible, base_url: '" + sim.baseUrl() + "',")
              .replace("teacher: {", "teacher: {mode: batch, "));
      Run submitted = run("run", "--config", cfg.toString(), "--no-wait");
      assertEquals(0, submitted.exit(), submitted.err());
      assertEquals(2, sim.batches().batchesCreated(), "13 requests at 10 per file");

      Run status = run("batches", "status", "--config", cfg.toString());
      assertEquals(
          2,
          status.out().lines().filter(l -> l.contains("open: in_progress, 0/")).count(),
          status.out());
      Run cancel = run("batches", "cancel", "--config", cfg.toString());
      assertEquals(0, cancel.exit(), cancel.err());
      assertEquals(
          2,
          cancel.out().lines().filter(l -> l.contains("cancel requested: cancelled")).count(),
          cancel.out());

      // Collecting the cancelled batches keeps what they answered and resubmits only the rest.
      sim.batches().pollsToComplete(1);
      Run collected = run("run", "--config", cfg.toString());
      assertEquals(0, collected.exit(), collected.err());
      assertEquals(12, responses(dir.resolve("out")).size());
      Map<String, Integer> submissions = sim.batches().submissionsByCustomId();
      assertEquals(
          6,
          submissions.values().stream().filter(n -> n == 1).count(),
          "half of each cancelled batch was answered");
      assertEquals(
          7,
          submissions.values().stream().filter(n -> n == 2).count(),
          "the rest were resubmitted once");
    }
  }
}
