package dev.orcaset.model;

import java.io.Serializable;
import java.util.Objects;

/**
 * One valid FLAN v2 input. {@code inputs} is kept verbatim: it becomes the user message.
 *
 * @param taskSource the raw `task_source` value as read (null when absent)
 */
public record FlanRecord(
    String inputs,
    String targets,
    String taskSource,
    String taskName,
    String templateType,
    Integer templateIdx,
    Origin origin)
    implements Serializable {

  public FlanRecord {
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(origin, "origin");
    if (inputs.isBlank()) {
      throw new IllegalArgumentException("inputs is blank");
    }
  }

  public Submix submix() {
    return Submix.fromTaskSource(taskSource);
  }

  /**
   * Stable row id: submix prefix plus a hash of the input text. Duplicate inputs are removed before
   * ids matter, so the id is unique in a dataset and the same on every re-run, whatever the order
   * or names of the input files.
   */
  public String id() {
    return submix().idPrefix() + "." + Hashes.sha256Hex(inputs).substring(0, 20);
  }
}
