package dev.orcaset.pipeline;

/**
 * The requests one DoFn has sent and not yet heard back about: the end of a bundle waits for all of
 * them, a stopping worker for at most its grace period.
 */
final class Outstanding {
  private int count;

  synchronized void sent() {
    count++;
  }

  synchronized void answered() {
    count--;
    notifyAll();
  }

  /** Waits until every request is answered. */
  synchronized void awaitAll() throws InterruptedException {
    while (count > 0) {
      wait(1_000);
    }
  }

  /** Waits at most {@code millis} for every request to be answered; false if some are not. */
  synchronized boolean awaitAll(long millis) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (count > 0) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return false;
      }
      try {
        wait(Math.min(left, 50));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }
}
