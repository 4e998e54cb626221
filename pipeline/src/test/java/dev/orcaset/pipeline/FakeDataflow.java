package dev.orcaset.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * The job calls of the Dataflow service (v1b3) as a loopback server: it creates one job, reports it
 * in a given state until asked to cancel it, and records every call. It has no workers.
 */
final class FakeDataflow extends Dispatcher {
  static final String JOB_ID = "job-1";
  private static final ObjectMapper JSON = new ObjectMapper();

  final List<RecordedRequest> calls = new CopyOnWriteArrayList<>();
  private volatile String state;

  /** {@code state}: what the job reports once created, e.g. JOB_STATE_RUNNING. */
  FakeDataflow(String state) {
    this.state = state;
  }

  /** The options that point `orcaset run` at {@code server}, staging locally under {@code dir}. */
  static List<String> runArgs(MockWebServer server, Path dir) throws IOException {
    Path stageMe = Files.writeString(dir.resolve("stage-me.txt"), "staged");
    return List.of(
        "--runner=DataflowRunner",
        "--project=orcaset-test",
        "--region=europe-west4",
        "--dataflowEndpoint=" + server.url("/"),
        "--gcpTempLocation=" + dir.resolve("gcp-tmp"),
        "--stagingLocation=" + dir.resolve("staging"),
        "--filesToStage=" + stageMe,
        "--pathValidatorClass=org.apache.beam.sdk.extensions.gcp.storage.NoopPathValidator",
        "--credentialFactoryClass=org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory");
  }

  @Override
  public MockResponse dispatch(RecordedRequest r) {
    calls.add(r);
    String path = r.getUrl().encodedPath();
    if ("POST".equals(r.getMethod()) && path.endsWith("/jobs")) {
      return json("{\"id\":\"" + JOB_ID + "\",\"currentState\":\"JOB_STATE_PENDING\"}");
    }
    if (path.endsWith("/messages")) {
      return json("{\"jobMessages\":[]}");
    }
    if (path.endsWith("/jobs/" + JOB_ID)) {
      if ("PUT".equals(r.getMethod())
          && "JOB_STATE_CANCELLED".equals(body(r).path("requestedState").asText())) {
        state = "JOB_STATE_CANCELLED";
      }
      return json("{\"id\":\"" + JOB_ID + "\",\"currentState\":\"" + state + "\"}");
    }
    return new MockResponse.Builder().code(404).build();
  }

  /** The first call of this method to a path ending so, if any. */
  Optional<RecordedRequest> call(String method, String pathEnd) {
    return calls.stream()
        .filter(c -> method.equals(c.getMethod()) && c.getUrl().encodedPath().endsWith(pathEnd))
        .findFirst();
  }

  /** A request's JSON body; the API client gzips the larger ones. */
  static JsonNode body(RecordedRequest r) {
    byte[] bytes = r.getBody() == null ? new byte[0] : r.getBody().toByteArray();
    try (InputStream in =
        bytes.length > 1 && bytes[0] == (byte) 0x1f && bytes[1] == (byte) 0x8b
            ? new GZIPInputStream(new ByteArrayInputStream(bytes))
            : new ByteArrayInputStream(bytes)) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + r, e);
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
