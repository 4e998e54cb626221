package dev.orcaset.cli;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * A job that runs outside this JVM (on a Flink cluster, on Dataflow, on Spark's executors) and so
 * outlives the launcher: a stop of the launcher (SIGTERM, Ctrl-C) must cancel it, or it keeps
 * paying for answers nobody will publish. In-process runners stop with the JVM and have none.
 */
sealed interface RemoteJob permits FlinkJobCancel, DataflowJobCancel, SparkJobCancel {

  /**
   * Asks the engine to cancel the job and waits, up to {@code waitMillis}, for it to have stopped,
   * so its workers have committed their journals. Returns null when the job is cancelled or already
   * ended, else what the user must do (with the command that cancels it).
   */
  String cancelAndWait(long waitMillis);

  /** What was cancelled, for the message saying so. */
  String describe();

  /**
   * Why the job cannot finish though the engine still holds it (its cluster has had no worker for
   * {@code afterMillis}), or null. The launcher asks every few seconds while it waits, and cancels
   * a job that waits for workers that are gone rather than wait with it.
   */
  default String whyStuck(long afterMillis) {
    return null;
  }

  /**
   * The remote job of a run with these options; {@code started} is the job once submitted, {@code
   * journalDirs} the folders its workers save answers of {@code runId} to.
   */
  static Optional<RemoteJob> forRun(
      PipelineOptions options,
      Supplier<PipelineResult> started,
      List<String> journalDirs,
      String runId) {
    return switch (options.getRunner().getSimpleName()) {
      case "FlinkRunner" -> FlinkJobCancel.forRun(options).map(RemoteJob.class::cast);
      case "DataflowRunner" -> Optional.of(new DataflowJobCancel(options, started));
      case "SparkRunner" ->
          SparkJobCancel.forRun(options, journalDirs, runId).map(RemoteJob.class::cast);
      default -> Optional.empty();
    };
  }
}
