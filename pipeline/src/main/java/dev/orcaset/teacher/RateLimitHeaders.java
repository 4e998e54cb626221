package dev.orcaset.teacher;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses rate-limit headers: OpenAI-style `x-ratelimit-*` resets are durations such as `1s`,
 * `6m0s`, `120ms` or `1m30.5s`, the time until the limit is fully restored; Anthropic's
 * `anthropic-ratelimit-*-reset` are the times it is restored.
 */
final class RateLimitHeaders {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

  private RateLimitHeaders() {}

  /** Nanoseconds of a Go-style duration; empty when the text is not one. */
  static OptionalLong durationNanos(String text) {
    if (text == null || text.isBlank()) {
      return OptionalLong.empty();
    }
    String s = text.trim();
    Matcher m = PART.matcher(s);
    double nanos = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return OptionalLong.empty();
      }
      end = m.end();
      double v = Double.parseDouble(m.group(1));
      nanos +=
          switch (m.group(2)) {
            case "ms" -> v * 1e6;
            case "s" -> v * 1e9;
            case "m" -> v * 60e9;
            default -> v * 3600e9;
          };
    }
    if (end != s.length() || end == 0) {
      try {
        return OptionalLong.of((long) (Double.parseDouble(s) * 1e9)); // bare seconds
      } catch (NumberFormatException e) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of((long) nanos);
  }

  /**
   * Nanoseconds from {@code now} until an RFC 3339 time (Anthropic's resets); 0 if it has passed.
   */
  static OptionalLong untilNanos(String time, Instant now) {
    if (time == null || time.isBlank()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(
          Math.max(
              0, Duration.between(now, OffsetDateTime.parse(time.trim()).toInstant()).toNanos()));
    } catch (DateTimeParseException e) {
      return OptionalLong.empty();
    }
  }

  /** A non-negative integer header, or empty (absent, garbage, or Azure's -1 for "unknown"). */
  static OptionalLong count(String text) {
    if (text == null) {
      return OptionalLong.empty();
    }
    try {
      long v = Long.parseLong(text.trim());
      return v < 0 ? OptionalLong.empty() : OptionalLong.of(v);
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
