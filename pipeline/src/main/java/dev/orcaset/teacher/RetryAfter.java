package dev.orcaset.teacher;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import okhttp3.Response;

/**
 * How long the server asked us to wait: `retry-after-ms` first (OpenAI), then `Retry-After` as
 * seconds or an HTTP date (RFC 9110), the same order as the official OpenAI SDKs.
 */
final class RetryAfter {
  private RetryAfter() {}

  static Optional<Duration> of(Response response, Instant now) {
    String ms = response.header("retry-after-ms");
    if (ms != null) {
      try {
        return Optional.of(Duration.ofMillis((long) Double.parseDouble(ms.trim())));
      } catch (NumberFormatException ignored) {
        // fall through to Retry-After
      }
    }
    String ra = response.header("Retry-After");
    if (ra == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.ofMillis((long) (Double.parseDouble(ra.trim()) * 1000)));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at =
            ZonedDateTime.parse(ra.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (RuntimeException notADate) {
        return Optional.empty();
      }
    }
  }
}
