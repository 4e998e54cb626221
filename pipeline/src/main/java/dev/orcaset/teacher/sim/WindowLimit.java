package dev.orcaset.teacher.sim;

import java.util.ArrayDeque;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * How a simulated account enforces one limit (requests or tokens per minute), in each of the ways
 * providers and the proxies in front of them do. The limit per window is the per-minute limit
 * scaled to the window: 6,000 RPM over a 1 s window is 100 in any second, over 10 s 1,000.
 *
 * <ul>
 *   <li>{@link Style#SLIDING}: at most the limit in any window ending now (a log of what was
 *       admitted).
 *   <li>{@link Style#FIXED}: at most the limit in each window aligned to the clock (a counter reset
 *       at every multiple of the window).
 *   <li>{@link Style#BUCKET}: a bucket of one window's budget, refilled continuously, starting
 *       full.
 * </ul>
 *
 * <p>{@link #remaining} and {@link #resetNanos} follow the same model, for `x-ratelimit-*` headers:
 * what could be admitted now, and how long until the whole window's budget is back.
 */
public final class WindowLimit {
  /** The enforcement styles the simulated teacher offers (`--limit-style`). */
  public enum Style {
    SLIDING,
    FIXED,
    BUCKET;

    public static Style parse(String s) {
      try {
        return valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("limit style must be sliding, fixed or bucket: " + s);
      }
    }
  }

  private record Admitted(long atNanos, double cost) {}

  private final Style style;
  private final double limit;
  private final long window;
  private final LongSupplier clock;
  private final ArrayDeque<Admitted> log = new ArrayDeque<>();
  private double inWindow;
  private long fixedWindowIndex = Long.MIN_VALUE;
  private double level;
  private long last;

  /**
   * @param perMinute the limit per minute (0: none)
   * @param clock nanoseconds; for {@link Style#FIXED} windows are aligned to its zero
   */
  public WindowLimit(Style style, double perMinute, int windowSeconds, LongSupplier clock) {
    this.style = style;
    this.window = windowSeconds * 1_000_000_000L;
    this.limit = perMinute * windowSeconds / 60.0;
    this.clock = clock;
    this.level = limit;
    this.last = clock.getAsLong();
  }

  public boolean isUnlimited() {
    return limit <= 0;
  }

  /** The limit per window (the `x-ratelimit-limit-*` value). */
  public long limit() {
    return (long) Math.floor(limit);
  }

  /**
   * Admits {@code cost} and returns 0, or returns the nanoseconds until it could be admitted (what
   * a 429's `retry-after` says). A cost larger than the whole window's budget is admitted when the
   * window is empty, as providers let one large request through.
   */
  public synchronized long take(double cost) {
    if (isUnlimited()) {
      return 0;
    }
    long now = clock.getAsLong();
    advance(now);
    double room = available();
    boolean fits = cost <= room || (cost > limit && room >= limit);
    if (fits) {
      admit(now, cost);
      return 0;
    }
    return Math.max(1_000_000, waitFor(now, Math.min(cost, limit)));
  }

  /** Undoes the latest {@link #take} of {@code cost} (a request the other limit refused). */
  synchronized void giveBack(double cost) {
    switch (style) {
      case SLIDING -> {
        Admitted latest = log.pollLast();
        if (latest != null) {
          inWindow -= latest.cost();
        }
      }
      case FIXED -> inWindow = Math.max(0, inWindow - cost);
      case BUCKET -> level = Math.min(limit, level + cost);
    }
  }

  /** What could be admitted now, whole units. */
  public synchronized long remaining() {
    if (isUnlimited()) {
      return 0;
    }
    advance(clock.getAsLong());
    return Math.max(0, (long) Math.floor(available()));
  }

  /** Nanoseconds until the whole window's budget is available again. */
  public synchronized long resetNanos() {
    if (isUnlimited()) {
      return 0;
    }
    long now = clock.getAsLong();
    advance(now);
    return switch (style) {
      case SLIDING -> log.isEmpty() ? 0 : Math.max(0, log.peekLast().atNanos() + window - now);
      case FIXED -> inWindow <= 0 ? 0 : (fixedWindowIndex + 1) * window - now;
      case BUCKET -> (long) Math.ceil((limit - level) / limit * window);
    };
  }

  private double available() {
    return switch (style) {
      case SLIDING, FIXED -> limit - inWindow;
      case BUCKET -> level;
    };
  }

  private void admit(long now, double cost) {
    switch (style) {
      case SLIDING -> {
        log.addLast(new Admitted(now, cost));
        inWindow += cost;
      }
      case FIXED -> inWindow += cost;
      case BUCKET -> level -= cost;
    }
  }

  /** Nanoseconds from {@code now} until {@code cost} fits. */
  private long waitFor(long now, double cost) {
    switch (style) {
      case SLIDING -> {
        double free = limit - inWindow;
        for (Admitted a : log) {
          free += a.cost();
          if (free >= cost) {
            return a.atNanos() + window - now;
          }
        }
        return window;
      }
      case FIXED -> {
        return (fixedWindowIndex + 1) * window - now;
      }
      default -> {
        return (long) Math.ceil((cost - level) / limit * window);
      }
    }
  }

  private void advance(long now) {
    switch (style) {
      case SLIDING -> {
        while (!log.isEmpty() && log.peekFirst().atNanos() <= now - window) {
          inWindow -= log.pollFirst().cost();
        }
        if (log.isEmpty()) {
          inWindow = 0; // no drift from adding and removing doubles
        }
      }
      case FIXED -> {
        long index = Math.floorDiv(now, window);
        if (index != fixedWindowIndex) {
          fixedWindowIndex = index;
          inWindow = 0;
        }
      }
      case BUCKET -> {
        level = Math.min(limit, level + (now - last) / (double) window * limit);
        last = now;
      }
    }
  }
}
