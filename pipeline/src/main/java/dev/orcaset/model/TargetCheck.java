package dev.orcaset.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.io.Serializable;
import java.util.Locale;

/**
 * Whether an answer agrees with FLAN's own target, and how that was decided. {@code answer} and
 * {@code target} are the two final answers that were compared (an option's text, a label, a number,
 * a span), empty when nothing could be compared.
 */
public record TargetCheck(Verdict verdict, Method method, String answer, String target)
    implements Serializable {

  public static final TargetCheck NONE = new TargetCheck(Verdict.UNCHECKED, Method.NONE, "", "");

  public TargetCheck {
    answer = answer == null ? "" : answer;
    target = target == null ? "" : target;
  }

  /** What the comparison found. */
  public enum Verdict {
    MATCH,
    MISMATCH,
    /** No comparator fits the target, or the answer states no final answer it could read. */
    UNCHECKED;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The comparator, chosen by what the target is. */
  public enum Method {
    /** One of the options the question lists, by its text or its letter. */
    OPTION,
    /** yes / no, true / false, and the NLI labels with FLAN's phrasings of each. */
    LABEL,
    /** A number, as GSM8K-style finals give it (commas, currency and units ignored). */
    NUMBER,
    /** A short span: normalised exact match, or token F1 at least {@code SPAN_MIN_F1}. */
    SPAN,
    /** The target is none of these (a summary, a translation): not checked. */
    NONE;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
