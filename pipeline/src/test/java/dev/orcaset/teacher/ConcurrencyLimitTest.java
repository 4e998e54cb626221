package dev.orcaset.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The limit against a modelled server on a simulated clock: each request takes {@code base × max(1,
 * in flight / capacity)} with ±25% jitter, like a server that queues instead of refusing. No
 * threads and no sleeping, so the outcome does not depend on the machine.
 */
class ConcurrencyLimitTest {
  private long now;
  private final Random random = new Random(7);
  private final PriorityQueue<long[]> inFlight =
      new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0])); // {done, sent}

  /** Runs {@code answers} requests; returns the limit averaged over the second half. */
  private double run(ConcurrencyLimit limit, int capacity, int answers)
      throws InterruptedException {
    long base = 800_000_000L;
    double limitSum = 0;
    for (int i = 0; i < answers; i++) {
      while (limit.inFlight() < limit.limit()) {
        limit.acquire();
        double load = capacity == 0 ? 1 : Math.max(1, limit.inFlight() / (double) capacity);
        long latency = (long) (base * load * (0.75 + 0.5 * random.nextDouble()));
        inFlight.add(new long[] {now + latency, now});
      }
      long[] next = inFlight.poll();
      now = next[0];
      limit.release();
      limit.onLatency(next[0] - next[1]);
      if (i >= answers / 2) {
        limitSum += limit.limit();
      }
    }
    return limitSum / (answers - answers / 2);
  }

  @Test
  void aServerThatQueues_getsAboutWhatItCanServe_notEverythingAllowed() throws Exception {
    ConcurrencyLimit limit = new ConcurrencyLimit(128, true, () -> now);
    double settled = run(limit, 16, 20_000);
    assertTrue(
        settled >= 16 && settled <= 40,
        "settles near the server's capacity of 16, not 128: " + settled);
  }

  @Test
  void aServerWhoseLatencyDoesNotDependOnLoad_keepsTheConfiguredConcurrency() throws Exception {
    ConcurrencyLimit limit = new ConcurrencyLimit(128, true, () -> now);
    double settled = run(limit, 0, 20_000);
    assertTrue(settled >= 0.95 * 128, "probing costs little: " + settled);
    assertEquals(128, limit.limit());
  }

  @Test
  void whenTheServerGetsMoreCapacity_theLimitGrowsAgain() throws Exception {
    ConcurrencyLimit limit = new ConcurrencyLimit(128, true, () -> now);
    run(limit, 8, 10_000);
    int before = limit.limit();
    double after = run(limit, 48, 30_000);
    assertTrue(before <= 20, "small server: " + before);
    assertTrue(after >= 40, "found the larger capacity: " + after);
  }

  @Test
  void offMeansTheConfiguredConcurrency() throws Exception {
    ConcurrencyLimit limit = new ConcurrencyLimit(32, false, () -> now);
    run(limit, 4, 2_000);
    assertEquals(32, limit.limit());
  }
}
