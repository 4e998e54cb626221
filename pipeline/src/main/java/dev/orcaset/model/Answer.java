package dev.orcaset.model;

/**
 * What became of one question sent to the teacher (or found in the journal): a dataset row, or a
 * request that was not answered. Sealed, so every consumer handles both.
 */
public sealed interface Answer permits Sample, FailedRequest {
  String id();

  String requestHash();

  /** HTTP attempts this answer took (a reused answer keeps the attempts of the run that paid). */
  int attempts();
}
