package dev.orcaset.cli;

import dev.orcaset.journal.LiveWorkers;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.beam.runners.spark.SparkCommonPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkContext$;
import scala.Option;

/**
 * Stops this launcher's job on a Spark cluster, for a stop (SIGTERM, Ctrl-C) of the launcher, which
 * under `spark-submit` is the driver: the context's jobs are cancelled and the context stopped, so
 * the executors are told to stop and each saves its own answers (its shutdown hook). The executors
 * are other JVMs, on other machines, that the launcher cannot call into; it waits for their {@link
 * LiveWorkers} markers in the journals to go, so the count it prints afterwards is the journal's.
 */
final class SparkJobCancel implements RemoteJob {
  private final String master;
  private final List<String> journalDirs;
  private final String runId;

  private SparkJobCancel(String master, List<String> journalDirs, String runId) {
    this.master = master;
    this.journalDirs = journalDirs;
    this.runId = runId;
  }

  /**
   * For a SparkRunner run whose executors are not in this JVM: `spark-submit` says the master in
   * the `spark.master` property, else Beam's `--sparkMaster` does; empty for `local[…]`.
   */
  static Optional<SparkJobCancel> forRun(
      PipelineOptions options, List<String> journalDirs, String runId) {
    String master =
        System.getProperty(
            "spark.master", options.as(SparkCommonPipelineOptions.class).getSparkMaster());
    if (master == null || master.startsWith("local")) {
      return Optional.empty(); // in-process executors: the launcher's own stop reaches them
    }
    return Optional.of(new SparkJobCancel(master, List.copyOf(journalDirs), runId));
  }

  @Override
  public String cancelAndWait(long waitMillis) {
    // Spark's own shutdown hook may have stopped the context already; stopping twice is harmless.
    Option<SparkContext> active = SparkContext$.MODULE$.getActive();
    if (active.isDefined()) {
      try {
        active.get().cancelAllJobs();
        active.get().stop();
      } catch (RuntimeException stoppingAlready) {
        // the context is being stopped by Spark's hook: the executors are told either way
      }
    }
    long deadline = System.currentTimeMillis() + waitMillis;
    int live = 0;
    try {
      do {
        live = 0;
        for (String dir : journalDirs) {
          live += LiveWorkers.count(dir, runId);
        }
        if (live == 0) {
          return null;
        }
        Thread.sleep(200);
      } while (System.currentTimeMillis() < deadline);
    } catch (IOException e) {
      return "stopped the Spark context on "
          + master
          + " but cannot read the journal to see its executors save ("
          + e.getMessage()
          + "); the count below may be short of what they saved";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "stopped the Spark context on "
        + master
        + ", but "
        + live
        + " executor(s) had not said their answers are saved after "
        + waitMillis / 1000
        + " s (killed, or still committing); the count below may be short of what is saved."
        + " Check the Spark master's UI that the application has ended";
  }

  @Override
  public String describe() {
    return "the Spark application on " + master;
  }
}
