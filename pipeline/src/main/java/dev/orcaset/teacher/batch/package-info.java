/**
 * Provider batch APIs (`teacher.mode: batch`): requests go up as files or lists, come back hours
 * later at half price. {@link dev.orcaset.teacher.batch.BatchRunner} splits, submits, records each
 * batch in the journal's ledger before waiting, polls, collects and resubmits what expired; {@link
 * dev.orcaset.teacher.batch.BatchApi} is one provider's wire format.
 */
package dev.orcaset.teacher.batch;
