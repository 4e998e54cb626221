package dev.orcaset.pipeline;

import dev.orcaset.journal.LiveWorkers;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The teacher workers running in this JVM, so that a stopping JVM saves their answers. On SIGTERM
 * or Ctrl-C one shutdown hook stops them all at once (each sends nothing more, waits for its
 * answers in flight and commits its journal). A launcher that runs the job in-process calls {@link
 * #stopAll} from its own hook: it returns only when every worker has saved, so the count the
 * launcher then prints is the journal's. The JVM starts all hooks together in no set order, which
 * is why the launcher cannot simply wait for the workers' hooks by name.
 *
 * <p>A launcher cannot call into workers in other JVMs (Spark's executors): there, each JVM's
 * {@link LiveWorkers} marker in the journal says whether it may still commit answers of a run, and
 * goes once its last worker of the run has saved.
 */
public final class WorkerStops {
  /** Each running worker's stop, and the journal and run it saves answers of. */
  private static final Map<Runnable, Journal> RUNNING = new HashMap<>();

  private static final Map<Journal, Integer> WORKERS_OF = new HashMap<>();
  private static final AtomicBoolean HOOKED = new AtomicBoolean();

  /**
   * Whether the launcher runs in this JVM: it stops these workers itself ({@link #stopAll}) and
   * needs no marker, so in-process runs leave nothing in the journal but answers.
   */
  private static volatile boolean launcherHere;

  /** One stop at a time: a second caller waits for the first, so both return after the saves. */
  private static final Object STOPPING = new Object();

  private WorkerStops() {}

  private record Journal(String dir, String runId) {}

  static synchronized void add(Runnable stop, String journalDir, String runId) {
    if (HOOKED.compareAndSet(false, true)) {
      try {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(() -> stopAll(Long.MAX_VALUE), "orcaset-worker-stop"));
      } catch (IllegalStateException shuttingDown) {
        // The first worker was set up while the JVM stops: no hook of ours runs, only a
        // launcher's own call to stopAll (if one comes) reaches the workers.
      }
    }
    Journal journal = new Journal(journalDir, runId);
    RUNNING.put(stop, journal);
    if (WORKERS_OF.merge(journal, 1, Integer::sum) == 1 && !launcherHere) {
      try {
        LiveWorkers.mark(journalDir, runId);
      } catch (IOException e) {
        // Only a stopping launcher reads the marker; without it that launcher counts sooner.
      }
    }
  }

  /** A worker torn down after it saved: its JVM is done with the run once its last one is. */
  static synchronized void remove(Runnable stop) {
    Journal journal = RUNNING.remove(stop);
    if (journal != null && WORKERS_OF.merge(journal, -1, Integer::sum) <= 0) {
      WORKERS_OF.remove(journal);
      unmark(journal);
    }
  }

  /** Called by a launcher that runs its job here, before the job starts. */
  public static void launcherIsHere(boolean here) {
    launcherHere = here;
  }

  private static void unmark(Journal journal) {
    if (launcherHere) {
      return;
    }
    try {
      LiveWorkers.unmark(journal.dir(), journal.runId());
    } catch (IOException e) {
      // The launcher waits for the marker until its limit, then says the count may be short.
    }
  }

  /**
   * Stops every worker of this JVM in parallel and returns once all have saved (or after {@code
   * maxMillis}). A second caller waits for the first: both return after the saves.
   */
  public static void stopAll(long maxMillis) {
    synchronized (STOPPING) {
      stopAllNow(maxMillis);
    }
  }

  private static void stopAllNow(long maxMillis) {
    long deadline = System.currentTimeMillis() + Math.min(maxMillis, Long.MAX_VALUE / 2);
    Map<Runnable, Journal> running;
    synchronized (WorkerStops.class) {
      running = Map.copyOf(RUNNING);
    }
    Map<Thread, Journal> stopping = new HashMap<>();
    for (Map.Entry<Runnable, Journal> w : running.entrySet()) {
      Thread t = new Thread(w.getKey(), "orcaset-worker-stopping");
      t.start();
      stopping.put(t, w.getValue());
    }
    try {
      for (Thread t : stopping.keySet()) {
        t.join(Math.max(1, deadline - System.currentTimeMillis()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    // A run whose workers here have all committed gets nothing more from this JVM; one still
    // saving keeps its marker, so a launcher waiting for it does not count too soon.
    Set<Journal> saving = new HashSet<>();
    stopping.forEach(
        (t, journal) -> {
          if (t.isAlive()) {
            saving.add(journal);
          }
        });
    for (Journal journal : Set.copyOf(stopping.values())) {
      if (!saving.contains(journal)) {
        unmark(journal);
      }
    }
  }
}
