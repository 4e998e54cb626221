package dev.orcaset.io;

/**
 * Paths as orcaset takes them: a local path, or a URL with a scheme (`gs://b/x`, `s3://…`) that
 * only Beam's FileSystems can reach. One rule, so config resolution, the journal and the output
 * switch agree on which is which.
 */
public final class Locations {
  private Locations() {}

  /** True for a plain local path; false for anything with a `scheme://`. */
  public static boolean isLocal(String path) {
    return !path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");
  }
}
