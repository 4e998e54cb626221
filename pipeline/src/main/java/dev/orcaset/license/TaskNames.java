package dev.orcaset.license;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * FLAN task names as the exports spell them, reduced to one key per task. The Data Provenance audit
 * writes Flan2021 tasks as TFDS names (`anli/r1:0.1.0`), T0 tasks as P3 template names, NIv2 as
 * `taskNNN_…` and CoT as `cot_…`; exports write the same tasks underscored, with or without the
 * version (`anli_r1:0.1.0`, `anli_r1`), with FLAN's template suffix (`anli_r1_10templates`), and
 * NIv2 numbers with or without their zeros (`task067_…`, `task67_…`). All of those give one key.
 */
public final class TaskNames {
  private static final Pattern VERSION = Pattern.compile(":\\d+(\\.\\d+)*$");
  private static final Pattern TEMPLATES = Pattern.compile("_\\d+templates$");
  private static final Pattern SEPARATORS = Pattern.compile("[^a-z0-9]+");
  private static final Pattern NIV2_NUMBER = Pattern.compile("^task0*(\\d+)");
  private static final String INVERTED = "_ii";

  private TaskNames() {}

  /** The key a task name is looked up by: lowercase, no version, no template suffix. */
  public static String key(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    n = VERSION.matcher(n).replaceFirst("");
    n = TEMPLATES.matcher(n).replaceFirst("");
    n = SEPARATORS.matcher(n).replaceAll("_");
    n = n.replaceAll("^_+|_+$", "");
    // Some exports version a name after its template suffix, some before.
    n = TEMPLATES.matcher(n).replaceFirst("");
    return NIV2_NUMBER.matcher(n).replaceFirst("task$1");
  }

  /**
   * The keys to try for a name, most specific first: its own, then, for an inverted task (`_ii`,
   * FLAN's input and target swapped), the task it inverts, which has the same source dataset.
   */
  public static List<String> keysToTry(String name) {
    List<String> keys = new ArrayList<>();
    String k = key(name);
    keys.add(k);
    if (k.endsWith(INVERTED)) {
      keys.add(k.substring(0, k.length() - INVERTED.length()));
    }
    return keys;
  }
}
