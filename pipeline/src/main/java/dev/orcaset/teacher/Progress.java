package dev.orcaset.teacher;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's teacher activity, logged every few seconds while answers arrive, so a long run shows
 * that it is alive and how fast it goes. One per shared teacher, i.e. per worker JVM and run.
 */
final class Progress implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final IntSupplier inFlight;
  private final ScheduledExecutorService timer;
  private final long startNanos = System.nanoTime();
  private long lastReported = -1;

  Progress(IntSupplier inFlight, long everySeconds) {
    this.inFlight = inFlight;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "orcaset-progress");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(this::report, everySeconds, everySeconds, TimeUnit.SECONDS);
  }

  void answered() {
    answered.incrementAndGet();
  }

  void failed() {
    failed.incrementAndGet();
  }

  void retried() {
    retries.incrementAndGet();
  }

  long retries() {
    return retries.get();
  }

  String line() {
    long done = answered.get() + failed.get();
    double seconds = Math.max(0.001, (System.nanoTime() - startNanos) / 1e9);
    return String.format("teacher: %d answered, %d failed, %d in flight, %d retries, %.1f answers/s",
        answered.get(), failed.get(), inFlight.getAsInt(), retries.get(), done / seconds);
  }

  private synchronized void report() {
    long done = answered.get() + failed.get();
    if (done != lastReported) { // quiet while nothing moves (e.g. before the teacher stage starts)
      lastReported = done;
      LOG.info(line());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
