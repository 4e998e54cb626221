package dev.orcaset.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Cancels this launcher's job on a Flink cluster through its REST API, for a stop (SIGTERM, Ctrl-C)
 * of the launcher: Beam's Flink runner blocks in {@code run()} without a handle to cancel, and a
 * job left RUNNING keeps calling the teacher after the user stopped paying attention. The job is
 * found by the name Beam submitted it under ({@code --jobName}).
 */
final class FlinkJobCancel implements RemoteJob {
  private static final Set<String> ACTIVE =
      Set.of("INITIALIZING", "CREATED", "RUNNING", "RESTARTING", "FAILING", "CANCELLING");
  private static final Set<String> LOCAL = Set.of("[local]", "[auto]", "[collection]");

  private final String master;
  private final String jobName;
  private final HttpClient http = FlinkRest.client();
  private long noTaskManagerSince = -1;

  FlinkJobCancel(String master, String jobName) {
    this.master = master;
    this.jobName = jobName;
  }

  /**
   * For a FlinkRunner run (the runner is {@link RemoteJob#forRun}'s to check) on a cluster outside
   * this JVM; empty when Flink runs in-process.
   */
  static Optional<FlinkJobCancel> forRun(PipelineOptions options) {
    String master = options.as(FlinkPipelineOptions.class).getFlinkMaster();
    if (master == null || LOCAL.contains(master)) {
      return Optional.empty(); // in-process: the JVM's own shutdown stops it
    }
    String base = master.startsWith("http") ? master : "http://" + master;
    return Optional.of(new FlinkJobCancel(base.replaceAll("/+$", ""), options.getJobName()));
  }

  /** Flink tears the teacher stage down on cancel: CANCELED means the journals are committed. */
  @Override
  public String cancelAndWait(long waitMillis) {
    List<String> ids = new ArrayList<>();
    try {
      for (JsonNode j : get("/jobs/overview").path("jobs")) {
        if (j.path("name").asText().equals(jobName) && ACTIVE.contains(j.path("state").asText())) {
          ids.add(j.path("jid").asText());
        }
      }
      for (String id : ids) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(master + "/jobs/" + id + "?mode=cancel"))
                    .method("PATCH", HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
          return howToCancel(id, "the cluster answered " + r.statusCode() + " to the cancel");
        }
      }
      long deadline = System.currentTimeMillis() + waitMillis;
      for (String id : ids) {
        String state = "";
        while (System.currentTimeMillis() < deadline) {
          state = get("/jobs/" + id).path("state").asText();
          if (!ACTIVE.contains(state)) {
            break;
          }
          Thread.sleep(200);
        }
        if (ACTIVE.contains(state)) {
          return howToCancel(id, "the job is still " + state + " after " + waitMillis + " ms");
        }
      }
      return null;
    } catch (IOException e) {
      return howToCancel(
          ids.isEmpty() ? "JOB_ID" : ids.get(0), "cannot reach " + master + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return howToCancel(ids.isEmpty() ? "JOB_ID" : ids.get(0), "interrupted");
    }
  }

  /**
   * A standalone cluster whose last TaskManager died (killed, or out of memory after a restart put
   * every subtask on it) keeps the job RUNNING, waiting for slots no one will offer: the launcher
   * would wait with it for good.
   */
  @Override
  public String whyStuck(long afterMillis) {
    int taskManagers;
    try {
      taskManagers = get("/taskmanagers").path("taskmanagers").size();
    } catch (IOException e) {
      return null; // cannot tell now; a cluster that is gone fails the job on its own
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    long now = System.currentTimeMillis();
    if (taskManagers > 0) {
      noTaskManagerSince = -1;
      return null;
    }
    if (noTaskManagerSince < 0) {
      noTaskManagerSince = now;
    }
    long without = now - noTaskManagerSince;
    return without < afterMillis
        ? null
        : "no TaskManager has been registered with "
            + master
            + " for "
            + without / 1000
            + " s, so job '"
            + jobName
            + "' was waiting for slots no one offers";
  }

  @Override
  public String describe() {
    return "job '" + jobName + "' on " + master;
  }

  private String howToCancel(String id, String why) {
    return "could not cancel job '"
        + jobName
        + "' on "
        + master
        + " ("
        + why
        + "); it may still be calling the teacher. Cancel it with:\n  curl -X PATCH '"
        + master
        + "/jobs/"
        + id
        + "?mode=cancel'";
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    return FlinkRest.get(http, master, path);
  }
}
