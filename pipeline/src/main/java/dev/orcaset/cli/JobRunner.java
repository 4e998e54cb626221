package dev.orcaset.cli;

import dev.orcaset.config.OrcasetConfig;
import dev.orcaset.io.Locations;
import dev.orcaset.journal.JournalStats;
import dev.orcaset.journal.LiveWorkers;
import dev.orcaset.pipeline.WorkerStops;
import dev.orcaset.teacher.Redactor;
import dev.orcaset.teacher.TeacherException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * Runs a built pipeline to its end and tells the user how it ended, in a few lines: done, stopped
 * by a fatal teacher error (the cause, with the key redacted), failed, or interrupted; each time
 * with what is saved and the command that resumes. The runner's stack traces go to a log file in
 * the output's hidden `.logs/` folder, named in the message.
 *
 * <p>Workers save their own answers when they stop (see {@code CallTeacher}); this class never
 * reaches into them. On SIGTERM or Ctrl-C it waits for the in-process workers to have stopped and
 * saved (see {@code WorkerStops}), then reads what the journal holds.
 */
final class JobRunner {
  /** How long the launcher waits for the workers' own stop (their grace, and a margin). */
  static final long STOP_WAIT_MILLIS = 12_000;

  /**
   * How long a stop waits for a cluster to report the job cancelled: the workers' own grace for
   * answers in flight, and a margin for the cluster.
   */
  static final long CANCEL_WAIT_MILLIS = 30_000;

  /** How often a run on a cluster checks that the cluster still has workers. */
  private static final long WATCH_EVERY_MILLIS = 2_000;

  private final PrintWriter err;
  private final OrcasetConfig cfg;
  private final String resumeCommand;
  private final long noWorkerTimeoutMillis;
  private final List<String> journalDirs;

  /** {@code resumeCommand} null: nothing is sent (an estimate), so nothing is to resume. */
  JobRunner(PrintWriter err, OrcasetConfig cfg, String resumeCommand) {
    this(err, cfg, resumeCommand, RunArgs.DEFAULT_NO_WORKER_TIMEOUT_S * 1000);
  }

  /** {@code noWorkerTimeoutMillis}: how long a job on a cluster may wait with no worker left. */
  JobRunner(PrintWriter err, OrcasetConfig cfg, String resumeCommand, long noWorkerTimeoutMillis) {
    this.err = err;
    this.cfg = cfg;
    this.resumeCommand = resumeCommand;
    this.noWorkerTimeoutMillis = noWorkerTimeoutMillis;
    this.journalDirs = journalDirs(cfg);
  }

  /** Returns the exit code: 0 done, 1 otherwise (the user has been told why). */
  int run(Pipeline pipeline, String runId) {
    AtomicBoolean interrupted = new AtomicBoolean();
    AtomicReference<PipelineResult> started = new AtomicReference<>();
    Optional<RemoteJob> remote =
        RemoteJob.forRun(pipeline.getOptions(), started::get, journalDirs, runId);
    // Workers in this JVM are stopped by this launcher's own hook: they need no journal markers.
    WorkerStops.launcherIsHere(true);
    Thread onSignal =
        new Thread(
            () -> {
              interrupted.set(true);
              // A job on a cluster outlives this JVM: stopping the launcher must stop the job,
              // or it keeps paying for answers nobody will publish.
              String problem = remote.map(c -> c.cancelAndWait(CANCEL_WAIT_MILLIS)).orElse(null);
              // In-process workers save their answers first: the count printed is the journal's.
              WorkerStops.stopAll(STOP_WAIT_MILLIS);
              err.println();
              remote.ifPresent(
                  c ->
                      err.println(
                          problem == null
                              ? "orcaset: cancelled " + c.describe() + "; its workers have stopped."
                              : "orcaset: " + problem));
              err.println("orcaset: interrupted. " + resumeHint(runId));
              err.flush();
            },
            "orcaset-interrupted");
    Runtime.getRuntime().addShutdownHook(onSignal);
    AtomicReference<String> stuck = new AtomicReference<>();
    Thread watch = remote.map(job -> watch(job, stuck)).orElse(null);
    try {
      PipelineResult job = pipeline.run();
      started.set(job);
      PipelineResult.State state = job.waitUntilFinish();
      if (stuck.get() != null) {
        return reportStuck(stuck.get(), runId);
      }
      if (state != PipelineResult.State.DONE) {
        err.println("orcaset: the run ended in state " + state + ". " + resumeHint(runId));
        return 1;
      }
      reportJournalRead(job);
      return 0;
    } catch (RuntimeException e) {
      if (interrupted.get()) {
        return 1; // the signal handler tells the user
      }
      if (stuck.get() != null) {
        return reportStuck(stuck.get(), runId);
      }
      return reportFailure(e, runId);
    } finally {
      if (watch != null) {
        watch.interrupt();
      }
      if (!interrupted.get()) {
        clearLiveWorkers(runId);
      }
      try {
        Runtime.getRuntime().removeShutdownHook(onSignal);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or about to: it tells the user
      }
    }
  }

  /**
   * Checks, while the job runs, that it can still finish; a job waiting for workers that are gone
   * is cancelled, and {@code stuck} says why, for the launcher to tell once the job has ended.
   */
  private Thread watch(RemoteJob job, AtomicReference<String> stuck) {
    Thread t =
        new Thread(
            () -> {
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  Thread.sleep(WATCH_EVERY_MILLIS);
                  String why = job.whyStuck(noWorkerTimeoutMillis);
                  if (why != null) {
                    String problem = job.cancelAndWait(CANCEL_WAIT_MILLIS);
                    stuck.set(why + (problem == null ? "; cancelled it" : "; " + problem));
                    return;
                  }
                }
              } catch (InterruptedException e) {
                // the run has ended
              }
            },
            "orcaset-watch-job");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private int reportStuck(String why, String runId) {
    err.println("orcaset: " + why + ". " + resumeHint(runId));
    return 1;
  }

  /** Every journal a run's teacher workers save to: tier 1's, each later tier's, the judge's. */
  private static List<String> journalDirs(OrcasetConfig cfg) {
    List<String> dirs = new ArrayList<>();
    dirs.add(cfg.journalDir());
    cfg.laterTiers().forEach(t -> dirs.add(t.journalDir()));
    dirs.add(cfg.judge().journalDir());
    return dirs;
  }

  /**
   * The run has ended: markers of its workers left behind (a runner need not tear a worker down,
   * and a killed one cannot) would only make a later stop of this run wait for nothing.
   */
  private void clearLiveWorkers(String runId) {
    if (runId == null || shuttingDown()) {
      return; // a stop is waiting for these markers to go as the workers save
    }
    for (String dir : journalDirs) {
      try {
        LiveWorkers.clear(dir, runId);
      } catch (IOException | RuntimeException e) {
        // a marker is a hint for a stopping launcher, never part of the dataset
      }
    }
  }

  /** Whether this JVM is stopping (its hooks may be running before a flag they set is seen). */
  private static boolean shuttingDown() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }

  /**
   * What looking up earlier answers cost: on a refresh it is the figure that says the lookup read
   * the previous snapshot's answers and the new questions' entries, not the journal.
   */
  private void reportJournalRead(PipelineResult job) {
    Map<String, Long> c = new HashMap<>();
    try {
      MetricsFilter.Builder filter = MetricsFilter.builder();
      for (String name : LOOKUP_COUNTERS) {
        filter.addNameFilter(MetricNameFilter.named("orcaset", name));
      }
      for (MetricResult<Long> r : job.metrics().queryMetrics(filter.build()).getCounters()) {
        c.merge(r.getName().getName(), r.getAttempted(), Long::sum);
      }
    } catch (RuntimeException e) {
      return; // a runner without metrics: the figure is a report, not part of the run
    }
    long answers = c.getOrDefault("snapshot_answers", 0L);
    if (answers > 0) {
      err.printf(
          "orcaset: %,d answers taken from the previous snapshot, read %s of its %s%n",
          answers,
          bytes(c.getOrDefault("snapshot_bytes_read", 0L)),
          bytes(c.getOrDefault("snapshot_bytes", 0L)));
    }
    long total = c.getOrDefault("journal_bytes", 0L);
    if (total > 0) {
      long read = c.getOrDefault("journal_bytes_read", 0L);
      err.printf(
          "orcaset: journal lookup read %s of %s (%.1f%%): the entries this run's questions may"
              + " have, by each slice's index%n",
          bytes(read), bytes(total), 100.0 * read / total);
    }
  }

  private static final List<String> LOOKUP_COUNTERS =
      List.of(
          "journal_bytes_read",
          "journal_bytes",
          "snapshot_answers",
          "snapshot_bytes_read",
          "snapshot_bytes");

  private static String bytes(long n) {
    return n >= 10L << 20
        ? String.format("%.0f MB", n / 1e6)
        : n >= 10_000 ? String.format("%.0f kB", n / 1e3) : n + " bytes";
  }

  /** How many answers of this run are safe, and the command that picks up from there. */
  String resumeHint(String runId) {
    long saved;
    try {
      saved = JournalStats.entriesOfRun(cfg.journalDir(), runId);
    } catch (IOException e) {
      saved = -1;
    }
    String what =
        saved < 0
            ? "Answers of this run are saved in the journal at " + cfg.journalDir()
            : saved + " answers this run paid for are saved in the journal at " + cfg.journalDir();
    return what
        + "; the dataset in "
        + cfg.output().dir()
        + " is unchanged. Resume (only unanswered questions are sent) with:\n  "
        + resumeCommand;
  }

  /** {@code runId} null: nothing was sent (an estimate), so there is nothing to resume. */
  int reportFailure(RuntimeException e, String runId) {
    String key = System.getenv(cfg.teacher().apiKeyEnv());
    String hint = runId == null ? "" : "\norcaset: " + resumeHint(runId);
    String details = writeLog(e, runId, key);
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TeacherException te && te.kind() == TeacherException.Kind.FATAL) {
        err.println("orcaset: stopped: " + Redactor.redact(te.getMessage(), key));
        err.println("orcaset: fix the cause above." + hint + details);
        err.flush();
        return 1;
      }
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    err.println(
        "orcaset: the run failed: " + Redactor.redact(String.valueOf(root), key) + hint + details);
    err.flush();
    return 1;
  }

  /**
   * The whole failure, stack traces and all, for a bug report or a closer look: in `OUTPUT/.logs/`,
   * or nowhere when the output is not a local folder.
   */
  private String writeLog(RuntimeException e, String runId, String key) {
    if (!Locations.isLocal(cfg.output().dir())) {
      return "";
    }
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    Path log = Path.of(cfg.output().dir(), ".logs", (runId == null ? "estimate" : runId) + ".log");
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(log, Redactor.redact(trace.toString(), key), StandardCharsets.UTF_8);
      return "\norcaset: details (the runner's stack traces) in " + log;
    } catch (IOException io) {
      return "";
    }
  }
}
