package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orcaset.TestRuns;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
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
  private static final ObjectMapper JSON = new ObjectMapper();

  @StartStop final MockWebServer dataflow = new MockWebServer();
  @TempDir Path dir;

  @Test
  void theJobIsTranslatedStagedAndCreated_andItsEndIsReported() throws Exception {
    List<RecordedRequest> calls = new CopyOnWriteArrayList<>();
    dataflow.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest r) {
            calls.add(r);
            String path = r.getUrl().encodedPath();
            if ("POST".equals(r.getMethod()) && path.endsWith("/jobs")) {
              return json("{\"id\":\"job-1\",\"currentState\":\"JOB_STATE_PENDING\"}");
            }
            if (path.endsWith("/messages")) {
              return json("{\"jobMessages\":[]}");
            }
            if (path.endsWith("/jobs/job-1")) { // the fake's workers never start
              return json("{\"id\":\"job-1\",\"currentState\":\"JOB_STATE_FAILED\"}");
            }
            return new MockResponse.Builder().code(404).build();
          }
        });
    Path config = FlanFixtures.write(dir, TestRuns.HOME);
    Path stageMe = Files.writeString(dir.resolve("stage-me.txt"), "staged");
    try (SimulatedTeacher teacher = SimulatedTeacher.start(0, 5, 3)) {
      CliRun r =
          CliRun.run(
              config,
              teacher.baseUrl(),
              dir.resolve("out"),
              "--runner=DataflowRunner",
              "--project=orcaset-test",
              "--region=europe-west4",
              "--dataflowEndpoint=" + dataflow.url("/"),
              "--gcpTempLocation=" + dir.resolve("gcp-tmp"),
              "--stagingLocation=" + dir.resolve("staging"),
              "--filesToStage=" + stageMe,
              "--pathValidatorClass=org.apache.beam.sdk.extensions.gcp.storage.NoopPathValidator",
              "--credentialFactoryClass=org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory");
      assertEquals(1, r.exit(), r.out() + r.err());
      assertTrue(r.err().contains("the run ended in state FAILED"), r.err());
      assertEquals(0, teacher.requestCount(), "nothing ran: the fake has no workers");
    }
    RecordedRequest create =
        calls.stream()
            .filter(c -> "POST".equals(c.getMethod()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no job created: " + calls));
    assertEquals(
        "/v1b3/projects/orcaset-test/locations/europe-west4/jobs", create.getUrl().encodedPath());
    JsonNode job = // the API client gzips request bodies
        JSON.readTree(
            new GZIPInputStream(new ByteArrayInputStream(create.getBody().toByteArray())));
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

  private static MockResponse json(String body) {
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }
}
