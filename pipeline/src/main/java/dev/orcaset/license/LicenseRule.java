package dev.orcaset.license;

import java.io.Serializable;
import dev.orcaset.io.Globs;
import java.util.Map;

/**
 * One policy entry: which teachers or sources it covers (globs, `*` and `?`, case-insensitive;
 * an absent field matches anything), the tag, whether commercial use is cleared, and why, with
 * the document it rests on and the date someone read it.
 */
public record LicenseRule(
    Map<String, String> match,
    String tag,
    Boolean commercialUse,
    String reason,
    String source,
    String asOf)
    implements Serializable {

  public LicenseRule {
    match = match == null ? Map.of() : Map.copyOf(match);
  }

  public boolean matches(Map<String, String> facts) {
    for (Map.Entry<String, String> m : match.entrySet()) {
      String value = facts.get(m.getKey());
      if (!Globs.matches(m.getValue(), value)) {
        return false;
      }
    }
    return true;
  }

  /** The reason as written into rows: the rule's own words plus its source and date. */
  public String citedReason() {
    StringBuilder sb = new StringBuilder(reason);
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
