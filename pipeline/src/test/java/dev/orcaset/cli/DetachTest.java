package dev.orcaset.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.TestRuns;
import dev.orcaset.journal.JournalStats;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `run --detach`: the command returns at once and says how to stop what it left running; the run
 * goes on as its own process to a published dataset, and the printed `kill PID` stops it with its
 * answers saved and no request after.
 */
class DetachTest {
  @TempDir Path dir;

  private Path config(int questions) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < questions; i++) {
      lines.add("{\"inputs\": \"Detached question " + i + "\", \"task_source\": \"NIv2\"}");
    }
    Files.write(dir.resolve("in.jsonl"), lines);
    return TestRuns.config(dir, "concurrency: 4");
  }

  private record Started(long pid, String said) {}

  private Started detach(Path cfg, SimulatedTeacher sim) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        new Main(new PrintWriter(out, true), new PrintWriter(err, true))
            .run(
                "run",
                "--config",
                cfg.toString(),
                "--teacher-url",
                sim.baseUrl(),
                "--runner=DirectRunner",
                "--detach");
    assertEquals(0, exit, err.toString());
    Matcher kill = Pattern.compile("\n  kill (\\d+)").matcher(err.toString());
    assertTrue(kill.find(), err.toString());
    assertTrue(
        err.toString().contains("orcaset: detached: the run goes on in process"), err.toString());
    return new Started(Long.parseLong(kill.group(1)), err.toString());
  }

  private static ProcessHandle process(long pid) {
    return ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no process " + pid));
  }

  @Test
  void aDetachedRunGoesOnAfterTheCommand_toAPublishedDataset() throws Exception {
    Path cfg = config(60);
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 20, 0)) {
      Started s = detach(cfg, sim);
      ProcessHandle run = process(s.pid());
      assertTrue(run.isAlive(), "still running when the command has returned");
      run.onExit().get(3, TimeUnit.MINUTES);
      assertTrue(Files.exists(dir.resolve("out/manifest.json")), s.said());
      assertEquals(60, sim.answeredByHash().size());
      try (var logs = Files.list(dir.resolve("out/.logs"))) {
        Path log =
            logs.filter(p -> p.getFileName().toString().startsWith("detached-"))
                .findFirst()
                .orElseThrow();
        assertTrue(Files.readString(log).contains("manifest"), Files.readString(log));
      }
    }
  }

  @Test
  void thePrintedKillStopsIt_withWhatWasPaidForSaved_andNothingSentAfter() throws Exception {
    Path cfg = config(3_000);
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 50, 0)) {
      Started s = detach(cfg, sim);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (sim.answeredByHash().size() < 100 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(sim.answeredByHash().size() >= 100, "it was asking the teacher");
      ProcessHandle run = process(s.pid());
      run.destroy(); // what `kill PID` sends
      run.onExit().get(1, TimeUnit.MINUTES);
      long atExit = sim.requestCount();
      Thread.sleep(2_000);
      assertEquals(atExit, sim.requestCount(), "no request once it has exited");
      assertTrue(atExit < 3_000, "stopped before the end");
      Path log;
      try (var logs = Files.list(dir.resolve("out/.logs"))) {
        log =
            logs.filter(p -> p.getFileName().toString().startsWith("detached-"))
                .findFirst()
                .orElseThrow();
      }
      Matcher saved =
          Pattern.compile("(\\d+) answers this run paid for are saved")
              .matcher(Files.readString(log));
      assertTrue(saved.find(), Files.readString(log));
      assertEquals(
          JournalStats.of(dir.resolve("out/.journal").toString()).entries(),
          Long.parseLong(saved.group(1)));
    }
  }
}
