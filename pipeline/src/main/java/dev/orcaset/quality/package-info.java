/**
 * Quality gates: named rules an answer must pass to become a training sample (finished, not empty,
 * not a refusal, explained, long enough). Each rule is a pure function of one sample, so each is
 * tested alone; the pipeline's `FilterResponses` stage applies them in order.
 */
package dev.orcaset.quality;
