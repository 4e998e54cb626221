package dev.orcaset.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  private static Response with(String name, String value) {
    return new Response.Builder()
        .request(new Request.Builder().url("http://x/").build())
        .protocol(Protocol.HTTP_1_1)
        .code(429)
        .message("x")
        .header(name, value)
        .build();
  }

  @Test
  void readsMillisecondsSecondsAndHttpDates() {
    assertEquals(
        Duration.ofMillis(250), RetryAfter.of(with("retry-after-ms", "250"), NOW).orElseThrow());
    assertEquals(
        Duration.ofMillis(16_062), RetryAfter.of(with("Retry-After", "16.062"), NOW).orElseThrow());
    assertEquals(
        Duration.ofSeconds(30),
        RetryAfter.of(with("Retry-After", "Mon, 23 Nov 2026 10:00:30 GMT"), NOW).orElseThrow());
  }

  @Test
  void ignoresGarbage() {
    assertTrue(RetryAfter.of(with("Retry-After", "soon"), NOW).isEmpty());
  }
}
