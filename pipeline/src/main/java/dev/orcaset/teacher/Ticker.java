package dev.orcaset.teacher;

/** Monotonic nanoseconds; a seam so limiter tests run on a fake clock. */
@FunctionalInterface
public interface Ticker {
  Ticker SYSTEM = System::nanoTime;

  long nanos();
}
