package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orcaset.TestRuns;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `orcaset run --runner=DataflowRunner` up to submission, against a fake of the Dataflow service on
 * loopback: the pipeline is translated for Dataflow (every DoFn and coder serialized into the job),
 * files staged, and the job created; a non-serializable stage would fail here, not after staging.
 */
class DataflowSubmitTest {
  @StartStop final MockWebServer dataflow = new MockWebServer();
  @TempDir Path dir;

  @Test
  void theJobIsTranslatedStagedAndCreated_andItsEndIsReported() throws Exception {
    FakeDataflow service = new FakeDataflow("JOB_STATE_FAILED"); // its workers never start
    dataflow.setDispatcher(service);
    Path config = FlanFixtures.write(dir, TestRuns.HOME);
    try (SimulatedTeacher teacher = SimulatedTeacher.start(0, 5, 3)) {
      CliRun r =
          CliRun.run(
              config,
              teacher.baseUrl(),
              dir.resolve("out"),
              FakeDataflow.runArgs(dataflow, dir).toArray(String[]::new));
      assertEquals(1, r.exit(), r.out() + r.err());
      assertTrue(r.err().contains("the run ended in state FAILED"), r.err());
      assertEquals(0, teacher.requestCount(), "nothing ran: the fake has no workers");
    }
    RecordedRequest create =
        service
            .call("POST", "/jobs")
            .orElseThrow(() -> new AssertionError("no job created: " + service.calls));
    assertEquals(
        "/v1b3/projects/orcaset-test/locations/europe-west4/jobs", create.getUrl().encodedPath());
    JsonNode job = FakeDataflow.body(create);
    assertTrue(job.path("name").asText().startsWith("orcaset-"), job.path("name").toString());
    String steps = job.path("steps").toString() + job.path("pipelineDescription").toString();
    for (String stage : List.of("ReadFlanRecords", "CallTeacher", "FilterResponses")) {
      assertTrue(steps.contains(stage), stage + " in the translated job");
    }
    try (var staged = Files.list(dir.resolve("staging"))) {
      assertTrue(
          staged.anyMatch(p -> p.getFileName().toString().startsWith("stage-me")),
          "the files to stage were staged");
    }
  }
}
