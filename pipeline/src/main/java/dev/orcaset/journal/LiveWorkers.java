package dev.orcaset.journal;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * Which worker JVMs of a run may still add answers to a journal: an empty marker each
 * (`_live-RUN-JVM`, ignored by every reader of slices), made when the JVM's first teacher worker of
 * the run starts and removed once its last one has committed. A launcher that stops a job whose
 * workers it cannot reach (executors of a Spark cluster) waits for the markers to go before it
 * counts what is saved, so the count it prints is the journal's, not a snapshot taken while the
 * workers were still committing.
 */
public final class LiveWorkers {
  private static final String PREFIX = "_live-";

  /** This JVM, among the run's workers. */
  private static final String JVM = UUID.randomUUID().toString().substring(0, 8);

  private LiveWorkers() {}

  /** Marks this JVM as adding answers of {@code runId} to the journal in {@code dir}. */
  public static void mark(String dir, String runId) throws IOException {
    try (WritableByteChannel ch =
        FileSystems.create(JournalFiles.resource(dir, name(runId, JVM)), "text/plain")) {
      // empty: the name says everything
    }
  }

  /** This JVM has committed everything of {@code runId} it will. */
  public static void unmark(String dir, String runId) throws IOException {
    FileSystems.delete(
        List.of(JournalFiles.resource(dir, name(runId, JVM))),
        StandardMoveOptions.IGNORE_MISSING_FILES);
  }

  /** The worker JVMs of {@code runId} that have not said they are done. */
  public static int count(String dir, String runId) throws IOException {
    return markers(dir, runId).size();
  }

  /**
   * Removes every marker of {@code runId}: at the end of a run, for workers that were torn down
   * without a word (a runner need not call teardown) or killed.
   */
  public static void clear(String dir, String runId) throws IOException {
    FileSystems.delete(markers(dir, runId), StandardMoveOptions.IGNORE_MISSING_FILES);
  }

  private static List<ResourceId> markers(String dir, String runId) throws IOException {
    MatchResult r =
        FileSystems.match(
            JournalFiles.resource(dir, name(runId, "*")).toString(), EmptyMatchTreatment.ALLOW);
    List<ResourceId> found = new ArrayList<>();
    if (r.status() == MatchResult.Status.OK) {
      for (MatchResult.Metadata m : r.metadata()) {
        found.add(m.resourceId());
      }
    }
    return found;
  }

  private static String name(String runId, String jvm) {
    return PREFIX + runId + "-" + jvm;
  }
}
