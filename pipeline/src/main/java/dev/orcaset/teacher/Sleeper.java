package dev.orcaset.teacher;

/** Waits; a seam so backoff tests run on a fake clock instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
  Sleeper SYSTEM = Thread::sleep;

  void sleep(long millis) throws InterruptedException;
}
