package dev.orcaset.cli;

import java.util.List;

/** Option values for every command: a missing or malformed value is a usage error (exit 2). */
final class CliArgs {
  private CliArgs() {}

  /** The value at {@code i}, which follows the flag {@code name}. */
  static String value(List<String> args, int i, String name) {
    if (i >= args.size() || args.get(i).startsWith("--")) {
      throw new UsageException(name + " needs a value");
    }
    return args.get(i);
  }

  static long whole(String v, String name, long min, long max) {
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(name + " needs a whole number, got '" + v + "'");
    }
    if (n < min || n > max) {
      throw new UsageException(name + " must be between " + min + " and " + max + ", got " + v);
    }
    return n;
  }

  static double fraction(String v, String name) {
    double f;
    try {
      f = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(name + " needs a number between 0 and 1, got '" + v + "'");
    }
    if (f < 0 || f > 1) {
      throw new UsageException(name + " must be between 0 and 1, got " + v);
    }
    return f;
  }
}
