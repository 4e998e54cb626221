package dev.orcaset.cli;

import java.io.IOException;
import java.util.function.Supplier;
import org.apache.beam.runners.dataflow.DataflowPipelineJob;
import org.apache.beam.runners.dataflow.options.DataflowPipelineOptions;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Cancels this launcher's Dataflow job through the Dataflow API (the job handle Beam returned on
 * submission), for a stop of the launcher. Cancel rather than drain: a drain finishes the work
 * already read, which for the teacher stage means paying for every question in flight through the
 * shuffle, the opposite of what a user stopping a run wants.
 */
final class DataflowJobCancel implements RemoteJob {
  private final String jobName;
  private final String project;
  private final String region;
  private final Supplier<PipelineResult> started;

  DataflowJobCancel(PipelineOptions options, Supplier<PipelineResult> started) {
    DataflowPipelineOptions dataflow = options.as(DataflowPipelineOptions.class);
    this.jobName = dataflow.getJobName();
    this.project = dataflow.getProject();
    this.region = dataflow.getRegion();
    this.started = started;
  }

  @Override
  public String cancelAndWait(long waitMillis) {
    PipelineResult job = started.get();
    if (!(job instanceof DataflowPipelineJob dataflowJob)) {
      return "stopped before Dataflow confirmed job '"
          + jobName
          + "'; if it was created it may be calling the teacher. Find and cancel it with:\n"
          + "  gcloud dataflow jobs list --project="
          + project
          + " --region="
          + region
          + " --filter='name="
          + jobName
          + "'\n  gcloud dataflow jobs cancel JOB_ID --project="
          + project
          + " --region="
          + region;
    }
    String id = dataflowJob.getJobId();
    try {
      job.cancel();
    } catch (IOException | RuntimeException e) {
      return howToCancel(id, "the cancel failed: " + e.getMessage());
    }
    // Polled, not waitUntilFinish: that registers a shutdown hook, refused while the JVM stops.
    long deadline = System.currentTimeMillis() + waitMillis;
    PipelineResult.State state = job.getState();
    while (!state.isTerminal() && System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      state = job.getState();
    }
    if (!state.isTerminal()) {
      return howToCancel(id, "the job is still " + state + " after " + waitMillis + " ms");
    }
    return null;
  }

  @Override
  public String describe() {
    PipelineResult job = started.get();
    String id = job instanceof DataflowPipelineJob d ? " (" + d.getJobId() + ")" : "";
    return "Dataflow job '" + jobName + "'" + id + " in " + project + "/" + region;
  }

  private String howToCancel(String id, String why) {
    return "could not cancel Dataflow job '"
        + jobName
        + "' ("
        + why
        + "); it may still be calling the teacher. Cancel it with:\n  gcloud dataflow jobs cancel "
        + id
        + " --project="
        + project
        + " --region="
        + region;
  }
}
