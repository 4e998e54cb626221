package dev.orcaset.license;

import dev.orcaset.config.ConfigException;
import dev.orcaset.config.ConfigLoader;
import dev.orcaset.io.Globs;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Decides each row's {@link LicenseTag} from two policies read from `config/licenses.yaml`: the
 * teacher's terms (matched on `provider` and `model`) and the source dataset's license (matched on
 * `submix` and `task_name`). The first matching rule of each list applies; a teacher or source no
 * rule covers is not cleared. The most restrictive side decides the tag (not cleared, then cleared
 * with a condition, then cleared; the teacher's on a tie) and every reason is kept.
 */
public final class LicensePolicy implements Serializable {
  private static final Set<String> TEACHER_FIELDS = Set.of("provider", "model");
  private static final Set<String> SOURCE_FIELDS = Set.of("submix", "task_name");
  public static final String UNKNOWN_TEACHER = "unknown";
  public static final String UNKNOWN_SOURCE = "unknown-source";

  private final String version;
  private final List<Compiled> teachers;
  private final List<Compiled> sources;

  record PolicyFile(String version, List<LicenseRule> teachers, List<LicenseRule> sources) {}

  /** A rule with its patterns compiled once: the policy is consulted for every row. */
  private record Compiled(LicenseRule rule, Map<String, Pattern> patterns) implements Serializable {
    boolean matches(Map<String, String> facts) {
      for (Map.Entry<String, Pattern> p : patterns.entrySet()) {
        String value = facts.get(p.getKey());
        if (value == null || !p.getValue().matcher(value).matches()) {
          return false;
        }
      }
      return true;
    }
  }

  LicensePolicy(String version, List<LicenseRule> teachers, List<LicenseRule> sources) {
    this.version = version;
    this.teachers = compile(teachers);
    this.sources = compile(sources);
  }

  public String version() {
    return version;
  }

  public static LicensePolicy load(Path file) {
    PolicyFile p = ConfigLoader.readYaml(file, PolicyFile.class);
    List<LicenseRule> teachers = p.teachers() == null ? List.of() : p.teachers();
    List<LicenseRule> sources = p.sources() == null ? List.of() : p.sources();
    if (p.version() == null || p.version().isBlank()) {
      throw new ConfigException(
          "version", file + ": the policy needs a version (it is recorded in every manifest)");
    }
    validate(file, "teachers", teachers, TEACHER_FIELDS);
    validate(file, "sources", sources, SOURCE_FIELDS);
    return new LicensePolicy(p.version(), teachers, sources);
  }

  private static void validate(
      Path file, String list, List<LicenseRule> rules, Set<String> fields) {
    for (int i = 0; i < rules.size(); i++) {
      LicenseRule r = rules.get(i);
      String key = list + "[" + i + "]";
      if (r == null) {
        throw new ConfigException(key, file + ": empty entry");
      }
      for (Map.Entry<String, String> m : r.match().entrySet()) {
        if (!fields.contains(m.getKey())) {
          throw new ConfigException(
              key + ".match." + m.getKey(), file + ": can only match on " + fields);
        }
        if (m.getValue() == null || m.getValue().isEmpty()) {
          throw new ConfigException(
              key + ".match." + m.getKey(),
              file + ": needs a pattern (omit the field to match anything)");
        }
        try {
          Globs.compile(m.getValue());
        } catch (PatternSyntaxException e) {
          throw new ConfigException(
              key + ".match." + m.getKey(),
              file
                  + ": not a valid regular expression: "
                  + e.getDescription()
                  + " near index "
                  + e.getIndex()
                  + " of '"
                  + e.getPattern()
                  + "'");
        }
      }
      if (r.tag() == null || !r.tag().matches("[a-z0-9][a-z0-9._-]*")) {
        throw new ConfigException(
            key + ".tag", file + ": needs a tag of lowercase letters, digits, '.', '_' or '-'");
      }
      if (r.commercialUse() == null) {
        throw new ConfigException(key + ".commercial_use", file + ": must say true or false");
      }
      if (r.reason() == null || r.reason().isBlank()) {
        throw new ConfigException(key + ".reason", file + ": must say why (rows carry this text)");
      }
      if (r.source() == null || r.source().isBlank()) {
        throw new ConfigException(
            key + ".source", file + ": must name the terms or license it rests on");
      }
      if (r.asOf() == null) {
        throw new ConfigException(
            key + ".as_of", file + ": must say when the source was read (YYYY-MM-DD)");
      }
      try {
        LocalDate.parse(r.asOf());
      } catch (DateTimeParseException e) {
        throw new ConfigException(
            key + ".as_of", file + ": '" + r.asOf() + "' is not a date (YYYY-MM-DD)");
      }
      if (r.condition() != null && r.conditionMet() == null) {
        throw new ConfigException(
            key + ".condition_met",
            file + ": a rule with a condition must say whether it is met (true or false)");
      }
      if (r.condition() == null && r.conditionMet() != null) {
        throw new ConfigException(
            key + ".condition", file + ": condition_met is set but no condition is stated");
      }
    }
  }

  public LicenseTag tag(String provider, String model, String submix, String taskName) {
    LicenseRule teacher =
        first(
            teachers,
            Map.of("provider", nz(provider), "model", nz(model)),
            new LicenseRule(
                Map.of(),
                UNKNOWN_TEACHER,
                false,
                "teacher "
                    + provider
                    + "/"
                    + model
                    + " is not covered by the license policy: not cleared until its terms are"
                    + " reviewed",
                null,
                null));
    LicenseRule source =
        first(
            sources,
            Map.of("submix", nz(submix), "task_name", nz(taskName)),
            new LicenseRule(
                Map.of(),
                UNKNOWN_SOURCE,
                false,
                "source "
                    + submix
                    + "/"
                    + taskName
                    + " is not covered by the license policy: not cleared until its license is"
                    + " reviewed",
                null,
                null));
    List<String> reasons = new ArrayList<>();
    reasons.add("teacher: " + teacher.citedReason());
    reasons.add("source: " + source.citedReason());
    boolean commercial = teacher.clears() && source.clears();
    String tag = restriction(source) > restriction(teacher) ? source.tag() : teacher.tag();
    return new LicenseTag(tag, commercial, reasons);
  }

  /**
   * Not cleared, then cleared with a condition to keep, then cleared outright; ties go to the
   * teacher.
   */
  private static int restriction(LicenseRule r) {
    return !r.clears() ? 2 : r.condition() != null ? 1 : 0;
  }

  private static LicenseRule first(
      List<Compiled> rules, Map<String, String> facts, LicenseRule fallback) {
    for (Compiled c : rules) {
      if (c.matches(facts)) {
        return c.rule();
      }
    }
    return fallback;
  }

  private static List<Compiled> compile(List<LicenseRule> rules) {
    List<Compiled> out = new ArrayList<>();
    for (LicenseRule r : rules) {
      Map<String, Pattern> patterns = new LinkedHashMap<>();
      r.match().forEach((field, glob) -> patterns.put(field, Globs.compile(glob)));
      out.add(new Compiled(r, patterns));
    }
    return List.copyOf(out);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
