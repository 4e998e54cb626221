package dev.orcaset.license;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

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
      if (value == null || !glob(m.getValue()).matcher(value.toLowerCase(Locale.ROOT)).matches()) {
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

  static Pattern glob(String glob) {
    StringBuilder re = new StringBuilder();
    for (String alternative : glob.toLowerCase(Locale.ROOT).split("\\|", -1)) {
      if (re.length() > 0) {
        re.append('|');
      }
      for (char c : alternative.toCharArray()) {
        switch (c) {
          case '*' -> re.append(".*");
          case '?' -> re.append('.');
          default -> re.append(Pattern.quote(String.valueOf(c)));
        }
      }
    }
    return Pattern.compile(re.toString());
  }
}
