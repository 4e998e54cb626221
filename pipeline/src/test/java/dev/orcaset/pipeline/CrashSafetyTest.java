package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orcaset.TestRuns;
import dev.orcaset.cli.Main;
import dev.orcaset.journal.JournalStats;
import dev.orcaset.teacher.sim.SimulatedAnswers;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real `orcaset run` process killed halfway, then run again: the second run finishes the dataset,
 * and the teacher (whose counters outlive the killed process) answered each question once, apart
 * from at most one uncommitted journal slice and the requests in flight at the kill.
 */
class CrashSafetyTest {
  static final int INPUTS = 400;
  static final int COMMIT_EVERY = 20;
  static final int CONCURRENCY = 4;

  @TempDir Path dir;

  private Path config() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < INPUTS; i++) {
      lines.add(
          "{\"inputs\": \"Question " + i + ": why do leaves fall?\", \"task_source\": \"T0\"}");
    }
    Files.write(dir.resolve("in.jsonl"), lines);
    Path cfg = TestRuns.config(dir, "concurrency: " + CONCURRENCY);
    Files.writeString(
        cfg,
        Files.readString(cfg)
            + "journal: {commit_every: "
            + COMMIT_EVERY
            + ", commit_seconds: 1}\n");
    return cfg;
  }

  private Process start(Path cfg, SimulatedTeacher sim, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx512m",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.orcaset.cli.Main",
            "run",
            "--config",
            cfg.toString(),
            "--teacher-url",
            sim.baseUrl())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** Waits until the teacher has answered about half the questions, then stops the process. */
  private static int stopHalfway(Process p, SimulatedTeacher sim, boolean kill) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (sim.answeredByHash().size() < INPUTS / 2
        && System.nanoTime() < deadline
        && p.isAlive()) {
      Thread.sleep(5);
    }
    assertTrue(p.isAlive(), "the run was still going at half way");
    if (kill) {
      p.destroyForcibly(); // SIGKILL: no hook, no flush
    } else {
      p.destroy(); // SIGTERM, as a scheduler or `kill` sends
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return p.exitValue();
  }

  private static long answeredInTotal(SimulatedTeacher sim) {
    return sim.answeredByHash().values().stream().mapToLong(AtomicInteger::get).sum();
  }

  private JsonNode resumeAndCheck(Path cfg, SimulatedTeacher sim) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        new Main(new PrintWriter(out, true), new PrintWriter(err, true))
            .run("run", "--config", cfg.toString(), "--teacher-url", sim.baseUrl());
    assertEquals(0, exit, out + "\n" + err);
    Path output = dir.resolve("out");
    List<GenericRecord> rows = DatasetReader.rows(output.resolve("data"));
    assertEquals(INPUTS, rows.size(), "the dataset is complete");
    assertEquals(
        INPUTS, rows.stream().map(r -> r.get("request_hash").toString()).distinct().count());
    for (GenericRecord g : rows) {
      assertEquals(
          SimulatedAnswers.answer(g.get("system_prompt").toString(), g.get("question").toString()),
          g.get("response").toString());
    }
    JsonNode m = DatasetReader.manifest(output);
    assertTrue(m.at("/accounting/balanced").asBoolean(), m.toString());
    assertEquals(INPUTS, m.at("/counts/samples").asInt());
    assertEquals(
        INPUTS, m.at("/journal/reused_answers").asInt() + m.at("/journal/questions_sent").asInt());
    try (Stream<Path> s = Files.list(output)) {
      assertTrue(
          s.noneMatch(p -> p.getFileName().toString().startsWith(".staging-")),
          "leftovers cleaned");
    }
    return m;
  }

  @Test
  void killedWithSigkill_theNextRunFinishesWithoutPayingTwice() throws Exception {
    Path cfg = config();
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 40, 10)) {
      int code = stopHalfway(start(cfg, sim, dir.resolve("killed.log")), sim, true);
      assertEquals(137, code, "killed by SIGKILL");
      Path output = dir.resolve("out");
      assertFalse(Files.exists(output.resolve("data")), "no snapshot from a killed run");
      long saved = JournalStats.of(output.resolve(".journal").toString()).entries();
      long answeredBeforeKill = answeredInTotal(sim);
      assertTrue(
          saved >= answeredBeforeKill - COMMIT_EVERY - CONCURRENCY,
          "journal lost at most one slice and the requests in flight: "
              + saved
              + " of "
              + answeredBeforeKill);

      JsonNode m = resumeAndCheck(cfg, sim);
      long rebilled = answeredInTotal(sim) - INPUTS;
      System.out.printf(
          "crash test: killed after %d answers, %d in the journal, resumed with %d reused and %d"
              + " sent; re-billed %d%n",
          answeredBeforeKill,
          saved,
          m.at("/journal/reused_answers").asLong(),
          m.at("/journal/questions_sent").asLong(),
          rebilled);
      assertEquals(
          saved, m.at("/journal/reused_answers").asLong(), "every saved answer was reused");
      assertTrue(rebilled <= COMMIT_EVERY + CONCURRENCY, "re-billed " + rebilled);
    }
  }

  @Test
  void stoppedWithSigterm_flushesTheJournal_exitsNonZero_andSaysHowToResume() throws Exception {
    Path cfg = config();
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 40, 10)) {
      Path log = dir.resolve("terminated.log");
      int code = stopHalfway(start(cfg, sim, log), sim, false);
      assertNotEquals(0, code);
      String said = Files.readString(log);
      assertTrue(said.contains("orcaset: interrupted."), said);
      assertTrue(
          said.contains("./orcaset run --config " + cfg + " --teacher-url " + sim.baseUrl() + "\n"),
          said);
      long saved = JournalStats.of(dir.resolve("out/.journal").toString()).entries();
      assertTrue(said.contains(saved + " answers this run paid for are saved"), said);
      long answered = answeredInTotal(sim);
      assertEquals(
          answered,
          saved,
          "on SIGTERM it stops sending, waits for the answers in flight and saves them all");

      resumeAndCheck(cfg, sim);
      long rebilled = answeredInTotal(sim) - INPUTS;
      System.out.printf(
          "sigterm test: stopped after %d answers, %d saved; re-billed %d%n",
          answered, saved, rebilled);
      assertEquals(0, rebilled, "nothing paid for twice");
    }
  }
}
