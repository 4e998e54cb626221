package dev.orcaset.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private static final long MINUTE = 60_000_000_000L;
  private long now = 0;

  @Test
  void tripsWhenMostOfTheFirstWindowIsRejected_namingTheLastRejection() {
    CircuitBreaker b = new CircuitBreaker(10, 0, () -> now);
    Optional<String> verdict = Optional.empty();
    for (int i = 0; i < 10 && verdict.isEmpty(); i++) {
      verdict = b.record(i != 3 && i != 7, "HTTP 400: model not available " + i);
    }
    assertTrue(verdict.isPresent(), "8 of 10 rejected is most");
    assertTrue(verdict.get().contains("8 of the first 10"), verdict.get());
    assertTrue(verdict.get().contains("model not available 9"), verdict.get());
  }

  @Test
  void aFewRejectionsDoNotTrip() {
    CircuitBreaker b = new CircuitBreaker(10, 0, () -> now);
    for (int i = 0; i < 1_000; i++) {
      assertEquals(Optional.empty(), b.record(i % 10 < 7, "x"), "70% is not most, at " + i);
    }
  }

  @Test
  void tripsWhenTheLastWindowTurnsBad_afterAGoodStart() {
    CircuitBreaker b = new CircuitBreaker(10, 0, () -> now);
    for (int i = 0; i < 100; i++) {
      assertEquals(Optional.empty(), b.record(false, null));
    }
    Optional<String> verdict = Optional.empty();
    int n = 0;
    while (verdict.isEmpty()) {
      verdict = b.record(true, "HTTP 400: context_length_exceeded");
      n++;
    }
    assertEquals(8, n);
    assertTrue(verdict.get().contains("8 of the last 10"), verdict.get());
  }

  @Test
  void tripsOnALongStallOfRetriesOnly() {
    CircuitBreaker b = new CircuitBreaker(10, 15 * MINUTE, () -> now);
    b.record(false, null);
    now += 14 * MINUTE;
    assertEquals(Optional.empty(), b.onRetry(429));
    now += 2 * MINUTE;
    String why = b.onRetry(429).orElseThrow();
    assertTrue(why.contains("16 minutes, only rate limits (429)"), why);
  }

  @Test
  void aWindowOfZeroIsOff() {
    CircuitBreaker b = new CircuitBreaker(0, 0, () -> now);
    for (int i = 0; i < 100; i++) {
      assertEquals(Optional.empty(), b.record(true, "x"));
    }
    now += 100 * MINUTE;
    assertEquals(Optional.empty(), b.onRetry(429));
  }
}
