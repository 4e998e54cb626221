package dev.orcaset.model;

import java.util.Locale;

/** The FLAN v2 sub-collections, with the spellings public exports use for each. */
public enum Submix {
  COT("CoT", "cot"),
  NIV2("NIv2", "niv2"),
  T0("T0", "t0"),
  FLAN2021("Flan2021", "flan2021"),
  DIALOG("Dialog", "dialog"),
  UNKNOWN("Unknown", "unknown");

  private final String configName;
  private final String idPrefix;

  Submix(String configName, String idPrefix) {
    this.configName = configName;
    this.idPrefix = idPrefix;
  }

  /** The name used in config files, manifests and the `source` column. */
  public String configName() {
    return configName;
  }

  /** Prefix of row ids, as OpenOrca's `niv.`, `t0.`, `cot.`. */
  public String idPrefix() {
    return idPrefix;
  }

  /**
   * Maps a `task_source` value to a submix. Exports differ in case and naming (`Flan2021`, `flan`,
   * `Muffin`; `NIv2`, `niv`, `SuperNaturalInstructions`), so matching is lenient; an absent or
   * unrecognised value is {@link #UNKNOWN}, which configs may still sample.
   */
  public static Submix fromTaskSource(String taskSource) {
    if (taskSource == null) {
      return UNKNOWN;
    }
    String s = taskSource.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    return switch (s) {
      case "cot" -> COT;
      case "niv2", "niv", "natinst", "naturalinstructions", "supernaturalinstructions" -> NIV2;
      case "t0", "t0sf", "p3" -> T0;
      case "flan2021", "flan", "muffin" -> FLAN2021;
      case "dialog", "dialogue" -> DIALOG;
      default -> UNKNOWN;
    };
  }

  /** Parses a config key such as `NIv2`; null when it names no submix. */
  public static Submix fromConfigName(String name) {
    for (Submix s : values()) {
      if (s.configName.equalsIgnoreCase(name)) {
        return s;
      }
    }
    return null;
  }
}
