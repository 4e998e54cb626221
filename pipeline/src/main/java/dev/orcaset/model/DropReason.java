package dev.orcaset.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Why an input did not become a dataset row, one value for every reason the pipeline gives. The
 * wire name (lower case, e.g. `duplicate_input`) is what manifests, `rejected/`, `failed/` and
 * `filtered/` rows and config gate names say; {@link #outcome()} is the manifest count it falls
 * under, so the accounting of every input adds up by construction.
 */
public enum DropReason {
  // Read, but not a FLAN record.
  NOT_JSON(Outcome.REJECTED),
  NOT_AN_OBJECT(Outcome.REJECTED),
  MISSING_INPUTS(Outcome.REJECTED),
  BLANK_INPUTS(Outcome.REJECTED),
  BAD_FIELD(Outcome.REJECTED),
  NOT_UTF8(Outcome.REJECTED),
  UNREADABLE_FILE(Outcome.REJECTED),

  // Left out before the teacher.
  DUPLICATE_INPUT(Outcome.DUPLICATES),
  NEAR_DUPLICATE_INPUT(Outcome.FILTERED),
  SUBMIX_NOT_SAMPLED(Outcome.FILTERED),
  TEMPLATE_TYPE_NOT_KEPT(Outcome.FILTERED),
  TASK_EXCLUDED(Outcome.FILTERED),
  TASK_NOT_INCLUDED(Outcome.FILTERED),
  OVER_QUOTA(Outcome.FILTERED),
  OVER_LIMIT(Outcome.FILTERED),
  NO_SYSTEM_PROMPT(Outcome.FILTERED),
  TOO_LONG(Outcome.FILTERED),

  // Answered, then dropped by a quality gate (the paid answer is kept in filtered/).
  FINISH_REASON(Outcome.FILTERED),
  EMPTY_RESPONSE(Outcome.FILTERED),
  REFUSAL(Outcome.FILTERED),
  NO_EXPLANATION(Outcome.FILTERED),
  TOO_SHORT(Outcome.FILTERED),
  WRONG_ANSWER(Outcome.FILTERED),
  JUDGE(Outcome.FILTERED),
  DUPLICATE_RESPONSE(Outcome.FILTERED),

  // Not answered.
  PERMANENT_ERROR(Outcome.FAILED),
  RETRIES_EXHAUSTED(Outcome.FAILED),
  BATCH_ERROR(Outcome.FAILED);

  /** The manifest count a reason falls under; with `samples`, these add up to the input. */
  public enum Outcome {
    REJECTED,
    DUPLICATES,
    FILTERED,
    FAILED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Outcome outcome;

  DropReason(Outcome outcome) {
    this.outcome = outcome;
  }

  public Outcome outcome() {
    return outcome;
  }

  /** The name written to files and manifests, e.g. `duplicate_input`. */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return wireName();
  }
}
