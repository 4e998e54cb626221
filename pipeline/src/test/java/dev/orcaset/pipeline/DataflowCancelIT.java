package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.TestRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a launcher whose job runs on Dataflow (a loopback fake of the service): the launcher
 * asks the service to cancel the job, waits for it to report CANCELLED, and says so, with what is
 * saved and the command that resumes.
 */
class DataflowCancelIT {
  @StartStop final MockWebServer dataflow = new MockWebServer();
  @TempDir Path dir;

  @Test
  void stoppingTheLauncher_cancelsTheDataflowJob() throws Exception {
    FakeDataflow service = new FakeDataflow("JOB_STATE_RUNNING");
    dataflow.setDispatcher(service);
    Path config = FlanFixtures.write(dir, TestRuns.HOME);
    List<String> cmd =
        CliRun.jarCommand(
            CliRun.args(
                config,
                "http://127.0.0.1:9/v1",
                dir.resolve("out"),
                FakeDataflow.runArgs(dataflow, dir).toArray(String[]::new)));
    Path log = dir.resolve("launcher.log");
    Process launcher =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (service.call("GET", "/jobs/" + FakeDataflow.JOB_ID).isEmpty()
        && launcher.isAlive()
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(launcher.isAlive(), "waiting for the job: " + Files.readString(log));
    launcher.destroy(); // SIGTERM
    assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher exits");
    String printed = Files.readString(log);
    RecordedRequest cancel =
        service
            .call("PUT", "/jobs/" + FakeDataflow.JOB_ID)
            .orElseThrow(() -> new AssertionError("no cancel sent: " + printed));
    assertEquals("JOB_STATE_CANCELLED", FakeDataflow.body(cancel).path("requestedState").asText());
    assertTrue(printed.contains("orcaset: cancelled Dataflow job 'orcaset-"), printed);
    assertTrue(
        printed.contains("(" + FakeDataflow.JOB_ID + ") in orcaset-test/europe-west4"), printed);
    assertTrue(printed.contains("orcaset: interrupted. 0 answers this run paid for"), printed);
    assertTrue(launcher.exitValue() != 0, "a stopped run does not exit 0");
  }
}
