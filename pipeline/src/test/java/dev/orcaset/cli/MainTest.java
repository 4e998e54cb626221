package dev.orcaset.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orcaset.TestRuns;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line contract: exit codes and messages a user or a scheduler acts on. */
class MainTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return new Main(new PrintWriter(out, true), new PrintWriter(err, true)).run(args);
  }

  private Path config(String inputLines, String teacherFields) throws IOException {
    Files.writeString(dir.resolve("in.jsonl"), inputLines + "\n");
    return TestRuns.config(dir, teacherFields);
  }

  @Test
  void withoutArguments_printsUsageAndExits2() {
    assertEquals(2, run());
    assertTrue(err.toString().contains("usage: orcaset"));
  }

  @Test
  void unknownCommandsAndFlagsExit2() {
    assertEquals(2, run("generate"));
    assertTrue(err.toString().contains("unknown command 'generate'"));
    assertEquals(2, run("run", "--config", "x.yaml", "--frobnicate"));
    assertTrue(err.toString().contains("unknown argument '--frobnicate'"), err.toString());
    assertEquals(2, run("run", "--limit", "many", "--config", "x.yaml"));
    assertTrue(err.toString().contains("--limit needs a whole number"), err.toString());
    assertEquals(2, run("bench", "--error-rate", "1.5"));
    assertTrue(err.toString().contains("--error-rate must be between 0 and 1"), err.toString());
    assertEquals(2, run("bench", "--output"));
    assertTrue(err.toString().contains("--output needs a value"), err.toString());
    assertEquals(2, run("teacher-sim", "--port", "70000"));
    assertTrue(err.toString().contains("--port must be between 0 and 65535"), err.toString());
  }

  @Test
  void flinkCluster_badOptionsExit2_andAMissingClusterIsNamed() {
    assertEquals(2, run("flink-cluster", "restart"));
    assertTrue(err.toString().contains("flink-cluster needs start, stop"), err.toString());
    assertEquals(2, run("flink-cluster", "start", "--tm-memory", "lots"));
    assertTrue(err.toString().contains("--tm-memory needs a size such as 2048m"), err.toString());
    assertEquals(2, run("flink-cluster", "start", "--task-managers", "0"));
    assertTrue(err.toString().contains("--task-managers must be between 1 and 16"), err.toString());
    Path none = dir.resolve("no-cluster");
    assertEquals(1, run("flink-cluster", "stop", "--dir", none.toString()));
    assertTrue(
        err.toString().contains("no Flink cluster was started from " + none), err.toString());
    assertEquals(1, run("flink-cluster", "address", "--dir", none.toString()));
    assertTrue(err.toString().contains("start one: ./orcaset flink-cluster start"), err.toString());
  }

  @Test
  void licensesImport_writesThePolicyAndSaysWhatToReview() throws IOException {
    Path table = TestRuns.HOME.resolve("config/licenses/flan-source-licenses.tsv");
    Path written = dir.resolve("sources.yaml");
    assertEquals(0, run("licenses", "import", table.toString(), "--output", written.toString()));
    assertTrue(
        out.toString().contains("imported 633 task names of 450 source datasets"), out.toString());
    assertTrue(out.toString().contains("All           146 datasets,  252 task names: cleared"));
    assertTrue(out.toString().contains("review: fc-flan-trivia_qa"), out.toString());
    assertEquals(
        Files.readString(TestRuns.HOME.resolve("config/licenses/flan-source-licenses.yaml")),
        Files.readString(written));
    assertEquals(2, run("licenses"));
    assertTrue(err.toString().contains("licenses needs 'import FILE'"), err.toString());
    assertEquals(2, run("licenses", "import", dir.resolve("missing.tsv").toString()));
    assertTrue(err.toString().contains("missing.tsv"), err.toString());
  }

  @Test
  void runWithoutConfig_exits2() {
    assertEquals(2, run("run"));
    assertTrue(err.toString().contains("--config"), err.toString());
  }

  @Test
  void aConfigError_exits2NamingTheFileAndKey() throws IOException {
    Path cfg = config("{\"inputs\": \"q\"}", "max_tokenz: 5");
    assertEquals(2, run("run", "--config", cfg.toString()));
    assertTrue(err.toString().contains("teacher.max_tokenz"), err.toString());
    assertTrue(err.toString().contains("run.yaml line 5"), err.toString());
  }

  @Test
  void anInputPatternMatchingNothing_exits2BeforeAnyWork() throws IOException {
    Path cfg = config("{\"inputs\": \"q\"}", "");
    assertEquals(
        2,
        run("run", "--config", cfg.toString(), "--input", dir.resolve("nope/*.jsonl").toString()));
    assertTrue(err.toString().contains("input.paths[0]: no file matches"), err.toString());
  }

  @Test
  void aHostedTeacherWithoutItsKey_exits2NamingTheVariable() throws IOException {
    Path cfg = config("{\"inputs\": \"q\"}", "");
    assertEquals(
        2, run("run", "--config", cfg.toString(), "--teacher-url", "https://api.openai.com/v1"));
    assertTrue(
        err.toString().contains("ORCASET_TEST_KEY_THAT_IS_NOT_SET is not set"), err.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"--runner=DirectRunner", "--runner=FlinkRunner"})
  void aRefusedKeyStopsTheRunWithExit1_namingTheVariable(String runner) throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      lines
          .append("{\"inputs\": \"question ")
          .append(i)
          .append(" [[sim:status=401:invalid_api_key]]\"}\n");
    }
    Path cfg = config(lines.toString().strip(), "");
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 0, 0)) {
      int code = run("run", "--config", cfg.toString(), "--teacher-url", sim.baseUrl(), runner);
      assertEquals(1, code, out + "\n" + err);
      assertTrue(err.toString().contains("stopped: HTTP 401 (invalid_api_key)"), err.toString());
      assertTrue(err.toString().contains("ORCASET_TEST_KEY_THAT_IS_NOT_SET"), err.toString());
      assertTrue(
          sim.requestCount() < 30,
          "stops at once rather than trying every row: " + sim.requestCount());
      assertFalse(Files.exists(dir.resolve("out/manifest.json")));
    }
  }

  @Test
  void anExhaustedQuotaMidRun_keepsWhatWasPaidFor_andTheSameCommandResumes() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      lines.append("{\"inputs\": \"question ").append(i).append("\"}\n");
    }
    Path cfg =
        config(
            lines + "{\"inputs\": \"the last straw [[sim:status=429:insufficient_quota]]\"}",
            "concurrency: 2");
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 5, 0)) {
      assertEquals(
          1,
          run(
              "run",
              "--config",
              cfg.toString(),
              "--teacher-url",
              sim.baseUrl(),
              "--runner=DirectRunner"));
      String said = err.toString();
      assertTrue(said.contains("stopped: HTTP 429 (insufficient_quota)"), said);
      long saved =
          dev.orcaset.journal.JournalStats.of(dir.resolve("out/.journal").toString()).entries();
      assertTrue(
          said.contains(saved + " answers this run paid for are saved in the journal"), said);
      assertTrue(
          said.contains(
              "./orcaset run --config "
                  + cfg
                  + " --teacher-url "
                  + sim.baseUrl()
                  + " --runner=DirectRunner"),
          said);
      assertFalse(Files.exists(dir.resolve("out/data")), "no snapshot from a stopped run");

      // The quota is topped up (the offending marker removed): the same command finishes the job.
      Files.writeString(dir.resolve("in.jsonl"), lines.toString());
      long before = sim.requestCount();
      assertEquals(
          0,
          run(
              "run",
              "--config",
              cfg.toString(),
              "--teacher-url",
              sim.baseUrl(),
              "--runner=DirectRunner"),
          err.toString());
      assertEquals(
          60 - saved,
          sim.requestCount() - before,
          "only what the stopped run had not saved is sent");
      JsonNode m =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(dir.resolve("out/manifest.json").toFile());
      assertEquals(60, m.at("/counts/samples").asInt());
      assertEquals(saved, m.at("/journal/reused_answers").asLong());
    }
  }

  @Test
  void whenMostQuestionsAreRejected_theCircuitBreakerStopsTheRun() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      lines
          .append("{\"inputs\": \"q")
          .append(i)
          .append(" [[sim:status=400:model_not_available]]\"}\n");
    }
    Path cfg = config(lines.toString().strip(), "concurrency: 4");
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 0, 0)) {
      int code =
          run(
              "run",
              "--config",
              cfg.toString(),
              "--teacher-url",
              sim.baseUrl(),
              "--runner=DirectRunner");
      assertEquals(1, code, out + "\n" + err);
      // Which window trips first depends on how the runner interleaves answers: either is right.
      assertTrue(
          err.toString().matches("(?s).*\\b\\d+ of the (first|last) 50 questions were rejected.*"),
          err.toString());
      assertTrue(err.toString().contains("model_not_available"), err.toString());
      assertTrue(sim.requestCount() < 100, "stopped early: " + sim.requestCount() + " of 300 sent");
    }
  }

  @Test
  void bench_reportsThroughputAgainstTheCeiling_andEveryRow() throws Exception {
    int code =
        run(
            "bench",
            "--requests",
            "60",
            "--latency-ms",
            "10",
            "--jitter-ms",
            "0",
            "--concurrency",
            "8",
            "--rpm",
            "6000",
            "--output",
            dir.resolve("bench").toString(),
            "--runner=DirectRunner");
    assertEquals(0, code, out + "\n" + err);
    JsonNode report =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(dir.resolve("bench/bench.json").toFile());
    assertEquals(60, report.at("/accounting/samples").asInt());
    assertEquals(0, report.at("/accounting/lost_rows").asInt());
    assertEquals(0, report.at("/accounting/answered_twice").asInt());
    assertEquals(6000.0, report.get("ceiling_rpm").asDouble(), "the RPM is the ceiling");
    assertTrue(report.get("ratio_of_ceiling").asDouble() > 0, report.toString());
    assertTrue(
        report.get("peak_in_flight").asInt() <= 8, "never more than the configured concurrency");
    assertTrue(out.toString().contains("ratio"), out.toString());
  }

  @Test
  void bench_withWorkerProcesses_sharesOneAccountAndAccountsForEveryRow() throws Exception {
    int code =
        run(
            "bench",
            "--workers",
            "2",
            "--requests",
            "41",
            "--latency-ms",
            "10",
            "--rpm",
            "6000",
            "--limit-style",
            "sliding",
            "--output",
            dir.resolve("bench2").toString(),
            "--runner=DirectRunner");
    assertEquals(0, code, out + "\n" + err);
    JsonNode report =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(dir.resolve("bench2/bench.json").toFile());
    assertEquals(2, report.get("workers").asInt());
    assertEquals(41, report.at("/accounting/samples").asInt(), "both workers' rows, summed");
    assertEquals(0, report.at("/accounting/lost_rows").asInt());
    assertEquals(0, report.at("/accounting/answered_twice").asInt());
    assertEquals(41, report.get("http_requests").asInt() - report.get("retries").asInt());
    for (String w : List.of("worker-0", "worker-1")) {
      JsonNode stats =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(dir.resolve("bench2").resolve(w).resolve("worker-stats.json").toFile());
      assertTrue(stats.get("peak_heap_mib").asDouble() > 0, w + ": " + stats);
      assertTrue(stats.get("cpu_seconds").asDouble() > 0, w + ": " + stats);
    }
    // 20 and 21 questions: each process got its own half of the inputs.
    assertEquals(20, Files.readAllLines(dir.resolve("bench2/worker-0/in.jsonl")).size());
    assertEquals(21, Files.readAllLines(dir.resolve("bench2/worker-1/in.jsonl")).size());
  }

  @Test
  void journalStatsAndCompact_describeAndShrinkARunsJournal() throws Exception {
    Path cfg =
        config(
            "{\"inputs\": \"a\"}\n"
                + "{\"inputs\": \"b\"}\n"
                + "{\"inputs\": \"c [[sim:status=400:too_long]]\"}",
            "");
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 0, 0)) {
      for (String fresh :
          new String[] {"--fresh", "--fresh"}) { // twice: every request journaled twice
        assertEquals(
            0,
            run(
                "run",
                "--config",
                cfg.toString(),
                "--teacher-url",
                sim.baseUrl(),
                fresh,
                "--runner=DirectRunner"),
            err.toString());
      }
    }
    String output = dir.resolve("out").toString();
    assertEquals(0, run("journal", "stats", output));
    assertTrue(
        out.toString().contains("entries           6: 4 answers, 2 permanent failures"),
        out.toString());
    assertTrue(out.toString().contains("distinct requests 3 (3 duplicates"), out.toString());
    assertEquals(0, run("journal", "compact", output));
    assertTrue(out.toString().contains("6 entries -> 3"), out.toString());
    assertEquals(2, run("journal", "shrink", output));
  }

  @Test
  void helpAndVersionExit0() {
    assertEquals(0, run("help"));
    assertTrue(out.toString().contains("teacher-sim"));
    assertEquals(0, run("version"));
    assertTrue(out.toString().contains("orcaset "));
  }
}
