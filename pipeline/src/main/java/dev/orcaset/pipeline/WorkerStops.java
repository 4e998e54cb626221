package dev.orcaset.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The teacher workers running in this JVM, so that a stopping JVM saves their answers. On SIGTERM
 * or Ctrl-C one shutdown hook stops them all at once (each sends nothing more, waits for its
 * answers in flight and commits its journal). A launcher that runs the job in-process calls {@link
 * #stopAll} from its own hook: it returns only when every worker has saved, so the count the
 * launcher then prints is the journal's. The JVM starts all hooks together in no set order, which
 * is why the launcher cannot simply wait for the workers' hooks by name.
 */
public final class WorkerStops {
  private static final Set<Runnable> RUNNING = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean HOOKED = new AtomicBoolean();

  private WorkerStops() {}

  static void add(Runnable stop) {
    if (HOOKED.compareAndSet(false, true)) {
      try {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(() -> stopAll(Long.MAX_VALUE), "orcaset-worker-stop"));
      } catch (IllegalStateException shuttingDown) {
        // The first worker was set up while the JVM stops: no hook of ours runs, only a
        // launcher's own call to stopAll (if one comes) reaches the workers.
      }
    }
    RUNNING.add(stop);
  }

  static void remove(Runnable stop) {
    RUNNING.remove(stop);
  }

  /**
   * Stops every worker of this JVM in parallel and returns once all have saved (or after {@code
   * maxMillis}). A second caller waits for the first: both return after the saves.
   */
  public static synchronized void stopAll(long maxMillis) {
    long deadline = System.currentTimeMillis() + Math.min(maxMillis, Long.MAX_VALUE / 2);
    List<Thread> stopping = new ArrayList<>();
    for (Runnable stop : List.copyOf(RUNNING)) {
      Thread t = new Thread(stop, "orcaset-worker-stopping");
      t.start();
      stopping.add(t);
    }
    try {
      for (Thread t : stopping) {
        t.join(Math.max(1, deadline - System.currentTimeMillis()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
