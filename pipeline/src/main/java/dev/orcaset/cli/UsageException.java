package dev.orcaset.cli;

/** A command line that cannot be run as written: exit code 2 and the usage hint. */
final class UsageException extends RuntimeException {
  UsageException(String message) {
    super(message);
  }
}
