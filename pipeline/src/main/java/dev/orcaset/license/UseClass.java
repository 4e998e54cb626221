package dev.orcaset.license;

import java.util.Locale;

/**
 * The Data Provenance audit's license classes, least restrictive first: which uses a license
 * allows. Only {@link #ALL} clears commercial training use; a dataset under several licenses is
 * governed by the most restrictive.
 */
public enum UseClass {
  ALL("All", "allows any use, commercial included"),
  CUSTOM("?", "is a custom license the audit did not classify"),
  UNSPECIFIED("Unspecified", "was not found by the audit (no license stated)"),
  NC("NC", "allows non-commercial use only"),
  ACAD("Acad", "allows academic research only");

  private final String code;
  private final String meaning;

  UseClass(String code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  /** As the audit table writes it: All, NC, Acad, Unspecified, or ? for Custom. */
  public String code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }

  public static UseClass parse(String code) {
    for (UseClass c : values()) {
      if (c.code.equalsIgnoreCase(code.strip()) || c.name().equalsIgnoreCase(code.strip())) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "'" + code + "' is not a use class (All, NC, Acad, Unspecified or ? for Custom)");
  }

  public UseClass stricter(UseClass other) {
    return other.ordinal() > ordinal() ? other : this;
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
