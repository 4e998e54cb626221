package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orcaset.journal.LiveWorkers;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM's workers mark the journal while they may still add answers of a run, so that a launcher
 * that cannot reach them (Spark's executors) knows when what they saved is all there is.
 */
class WorkerStopsTest {
  @TempDir Path dir;

  /** As in a worker JVM of a cluster: tests before this one may have run a launcher here. */
  @BeforeEach
  void inAWorkerJvm() {
    WorkerStops.launcherIsHere(false);
  }

  @Test
  void workersInTheLaunchersJvm_leaveNoMarker() throws Exception {
    String journal = dir.resolve(".journal").toString();
    Runnable w = () -> {};
    WorkerStops.launcherIsHere(true);
    try {
      WorkerStops.add(w, journal, "run1");
      assertEquals(0, LiveWorkers.count(journal, "run1"), "the launcher stops them itself");
      WorkerStops.remove(w);
    } finally {
      WorkerStops.launcherIsHere(false);
    }
  }

  @Test
  void aRunIsMarkedLiveUntilItsLastWorkerHereIsTornDown() throws Exception {
    String journal = dir.resolve(".journal").toString();
    Runnable a = () -> {};
    Runnable b = () -> {};
    WorkerStops.add(a, journal, "run1");
    WorkerStops.add(b, journal, "run1");
    assertEquals(1, LiveWorkers.count(journal, "run1"), "one marker per JVM, not per worker");
    assertEquals(0, LiveWorkers.count(journal, "run2"));
    WorkerStops.remove(a);
    assertEquals(1, LiveWorkers.count(journal, "run1"), "a worker of the run still sends");
    WorkerStops.remove(b);
    assertEquals(0, LiveWorkers.count(journal, "run1"));
  }

  @Test
  void aStopUnmarksOnlyRunsWhoseWorkersHaveAllSaved() throws Exception {
    String journal = dir.resolve(".journal").toString();
    AtomicInteger saved = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    Runnable quick = saved::incrementAndGet;
    Runnable stuck =
        () -> {
          try {
            release.await(10, TimeUnit.SECONDS); // still waiting for answers in flight
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    WorkerStops.add(quick, journal, "done");
    WorkerStops.add(stuck, journal, "saving");
    try {
      WorkerStops.stopAll(300);
      assertEquals(1, saved.get());
      assertEquals(0, LiveWorkers.count(journal, "done"), "its worker has saved");
      assertEquals(1, LiveWorkers.count(journal, "saving"), "its worker is still saving");
    } finally {
      release.countDown();
      WorkerStops.remove(quick);
      WorkerStops.remove(stuck);
    }
    assertEquals(0, LiveWorkers.count(journal, "saving"), "torn down at last");
  }
}
