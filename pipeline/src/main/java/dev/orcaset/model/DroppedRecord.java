package dev.orcaset.model;

import java.io.Serializable;

/**
 * A valid input deliberately left out of the dataset (duplicate, not sampled, filtered by a quality
 * rule), with the reason, so the accounting of every input record adds up. An answer a quality rule
 * dropped keeps its whole {@code sample} (it was paid for, and a reviewer may disagree with the
 * rule); inputs dropped before the teacher have none.
 */
public record DroppedRecord(
    String id,
    String source,
    String taskName,
    String templateType,
    DropReason reason,
    String detail,
    String inputFile,
    long inputLine,
    Sample sample)
    implements Serializable {

  /** The manifest count this record falls under: `duplicates` or `filtered`. */
  public DropReason.Outcome outcome() {
    return reason.outcome();
  }

  public static DroppedRecord of(FlanRecord r, DropReason reason, String detail) {
    return new DroppedRecord(
        r.id(),
        r.submix().configName(),
        r.taskName(),
        r.templateType(),
        reason,
        detail,
        r.origin().file(),
        r.origin().line(),
        null);
  }

  public static DroppedRecord of(Sample s, DropReason rule, String detail) {
    return new DroppedRecord(
        s.id(),
        s.source(),
        s.taskName(),
        s.templateType(),
        rule,
        detail,
        s.inputFile(),
        s.inputLine(),
        s);
  }
}
