package dev.orcaset.teacher;

import java.util.concurrent.locks.LockSupport;

/** Waits; a seam so backoff tests run on a fake clock instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
  Sleeper SYSTEM =
      new Sleeper() {
        @Override
        public void sleep(long millis) throws InterruptedException {
          Thread.sleep(millis);
        }

        @Override
        public void sleepNanos(long nanos) throws InterruptedException {
          // Thread.sleep rounds to milliseconds; pacing 100 requests a second needs finer waits.
          long until = System.nanoTime() + nanos;
          for (long left = nanos; left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
              throw new InterruptedException();
            }
          }
        }
      };

  void sleep(long millis) throws InterruptedException;

  /** Waits {@code nanos}, as precisely as the platform allows. */
  default void sleepNanos(long nanos) throws InterruptedException {
    sleep(Math.max(1, (nanos + 999_999) / 1_000_000));
  }
}
