package dev.orcaset.license;

import java.io.Serializable;
import java.util.Map;

/**
 * One policy entry: which teachers or sources it covers ({@code match}: globs or `re:` regexes per
 * field, case-insensitive; an absent field matches anything), the tag, whether commercial use is
 * cleared, and why, with the document it rests on and the date someone read it.
 *
 * <p>A {@code condition} is an obligation the terms attach to using the output (Llama 3.1's "name
 * the model Llama…", say). Such a rule clears commercial use only once the policy's owner records
 * {@code condition_met: true}; until then the row is not cleared and its reason says which
 * condition is open.
 */
public record LicenseRule(
    Map<String, String> match,
    String tag,
    Boolean commercialUse,
    String condition,
    Boolean conditionMet,
    String reason,
    String source,
    String asOf)
    implements Serializable {

  public LicenseRule {
    match = match == null ? Map.of() : Map.copyOf(match);
  }

  public LicenseRule(
      Map<String, String> match,
      String tag,
      Boolean commercialUse,
      String reason,
      String source,
      String asOf) {
    this(match, tag, commercialUse, null, null, reason, source, asOf);
  }

  /** Whether rows under this rule may train commercial models: allowed, and any condition met. */
  public boolean clears() {
    return Boolean.TRUE.equals(commercialUse)
        && (condition == null || Boolean.TRUE.equals(conditionMet));
  }

  /** The reason as written into rows: the rule's own words, its condition, its source and date. */
  public String citedReason() {
    StringBuilder sb = new StringBuilder(reason);
    if (condition != null) {
      sb.append("; condition: ")
          .append(condition)
          .append(
              Boolean.TRUE.equals(conditionMet)
                  ? " (recorded as met in the policy)"
                  : " (not recorded as met, so not cleared: set condition_met: true once it is)");
    }
    if (source != null) {
      sb.append(" [").append(source);
      if (asOf != null) {
        sb.append(", as of ").append(asOf);
      }
      sb.append(']');
    }
    return sb.toString();
  }
}
