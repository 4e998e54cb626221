package dev.orcaset.license;

import dev.orcaset.config.ConfigException;
import dev.orcaset.config.ConfigLoader;
import dev.orcaset.io.Globs;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Decides each row's {@link LicenseTag} from two policies read from `config/licenses.yaml`: the
 * teacher's terms (matched on `provider` and `model`) and the source dataset's license. The first
 * matching teacher rule applies. For the source, in order: a person's review in the overrides file
 * (matched on `submix`, `task_name` or the audit's `dataset` id), the audit's entry for the task
 * (its name as any export spells it, {@link TaskNames}), then the policy's own `sources` rules,
 * whose last usually catches the rest as unreviewed. A teacher or source nothing covers is not
 * cleared. The most restrictive side decides the tag (not cleared, then cleared with a condition,
 * then cleared; the teacher's on a tie) and every reason is kept.
 */
public final class LicensePolicy implements Serializable {
  private static final Set<String> TEACHER_FIELDS = Set.of("provider", "model");
  private static final Set<String> SOURCE_FIELDS = Set.of("submix", "task_name", "dataset");
  public static final String UNKNOWN_TEACHER = "unknown";
  public static final String UNKNOWN_SOURCE = "unknown-source";

  private final String version;
  private final List<Compiled> teachers;
  private final List<Compiled> sources;
  private final List<Compiled> overrides;
  private final SourceTable table;
  // Task-name keys to the entries that list them (two submixes can share a spelling).
  private final Map<String, List<SourceEntry>> byKey = new HashMap<>();

  record PolicyFile(
      String version,
      List<LicenseRule> teachers,
      List<LicenseRule> sources,
      String sourceDatasets,
      String sourceOverrides) {}

  /**
   * A person's reviews: rules that take precedence over the audit, and export spellings that no
   * normalization reaches, each naming the audit's task name it stands for.
   */
  record OverridesFile(List<LicenseRule> overrides, Map<String, String> aliases) {}

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
    this(version, teachers, sources, List.of(), SourceTable.empty(), Map.of());
  }

  LicensePolicy(
      String version,
      List<LicenseRule> teachers,
      List<LicenseRule> sources,
      List<LicenseRule> overrides,
      SourceTable table,
      Map<String, String> aliases) {
    this.version = version;
    this.teachers = compile(teachers);
    this.sources = compile(sources);
    this.overrides = compile(overrides);
    this.table = table;
    for (SourceEntry e : table.datasets()) {
      for (String task : e.tasks()) {
        index(TaskNames.key(task), e);
      }
      // FLAN's own name for a Flan2021 task (`anli_r1`, `cb`), which exports use, where the
      // audit lists the TFDS name (`anli/r1:0.1.0`, `super_glue/cb:1.0.2`).
      if ("Flan2021".equals(e.submix())) {
        index(TaskNames.key(e.dataset()), e);
      }
    }
    aliases.forEach(
        (alias, task) -> {
          List<SourceEntry> target = byKey.get(TaskNames.key(task));
          if (target == null) {
            throw new ConfigException(
                "aliases." + alias, "'" + task + "' is not a task name of the source table");
          }
          for (SourceEntry e : target) {
            index(TaskNames.key(alias), e);
          }
        });
  }

  private void index(String key, SourceEntry e) {
    List<SourceEntry> at = byKey.computeIfAbsent(key, k -> new ArrayList<>());
    if (!at.contains(e)) {
      at.add(e);
    }
  }

  /** The audit's source datasets by id (empty when the policy names no table). */
  public Map<String, SourceEntry> sourceDatasets() {
    Map<String, SourceEntry> out = new TreeMap<>();
    table.datasets().forEach(e -> out.put(e.id(), e));
    return out;
  }

  /** The shipped source table (empty when the policy names none). */
  public SourceTable sourceTable() {
    return table;
  }

  /**
   * The audit's entry for a task as any export spells it, in the row's own submix (any, when the
   * export did not say); empty when the table does not list it there, or a name is shared and the
   * submix is unknown.
   */
  public Optional<SourceEntry> sourceEntry(String submix, String taskName) {
    if (taskName == null || taskName.isBlank()) {
      return Optional.empty();
    }
    for (String key : TaskNames.keysToTry(taskName)) {
      // A row's submix, when its export says one, must be the entry's: `cot_gsm8k` under NIv2 is
      // not the CoT task of that name.
      List<SourceEntry> found =
          byKey.getOrDefault(key, List.of()).stream()
              .filter(e -> unknownSubmix(submix) || e.submix().equalsIgnoreCase(submix))
              .toList();
      if (found.size() == 1) {
        return Optional.of(found.get(0));
      }
    }
    return Optional.empty();
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
    Path base = file.toAbsolutePath().getParent();
    SourceTable table =
        p.sourceDatasets() == null
            ? SourceTable.empty()
            : ConfigLoader.readYaml(base.resolve(p.sourceDatasets()), SourceTable.class);
    List<LicenseRule> overrides = List.of();
    Map<String, String> aliases = Map.of();
    if (p.sourceOverrides() != null) {
      Path o = base.resolve(p.sourceOverrides());
      OverridesFile f = ConfigLoader.readYaml(o, OverridesFile.class);
      overrides = f.overrides() == null ? List.of() : f.overrides();
      aliases = f.aliases() == null ? Map.of() : f.aliases();
      validate(o, "overrides", overrides, SOURCE_FIELDS);
    }
    try {
      return new LicensePolicy(p.version(), teachers, sources, overrides, table, aliases);
    } catch (ConfigException e) {
      throw new ConfigException(e.key(), p.sourceOverrides() + ": " + e.getMessage(), e);
    }
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
    Optional<SourceEntry> entry = sourceEntry(submix, taskName);
    Map<String, String> facts =
        Map.of(
            "submix",
            nz(submix),
            "task_name",
            nz(taskName),
            "dataset",
            entry.map(SourceEntry::id).orElse(""));
    LicenseRule override = first(overrides, facts, null);
    LicenseRule source =
        override != null
            ? override
            : entry.isPresent()
                ? entry.get().verdict()
                : first(
                    sources,
                    facts,
                    new LicenseRule(
                        Map.of(),
                        UNKNOWN_SOURCE,
                        false,
                        "source "
                            + submix
                            + "/"
                            + taskName
                            + " is not covered by the license policy: not cleared until its license"
                            + " is reviewed",
                        null,
                        null));
    List<String> reasons = new ArrayList<>();
    reasons.add("teacher: " + teacher.citedReason());
    reasons.add("source: " + source.citedReason());
    boolean commercial = teacher.clears() && source.clears();
    String tag = restriction(source) > restriction(teacher) ? source.tag() : teacher.tag();
    // Reviewed: a person's override, the audit, or a rule that names what it covers; a rule that
    // matches anything is the catch-all for what nobody reviewed.
    boolean reviewed = override != null || entry.isPresent() || !source.match().isEmpty();
    return new LicenseTag(
        tag, commercial, reasons, entry.map(SourceEntry::id).orElse(""), source.tag(), reviewed);
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

  private static boolean unknownSubmix(String submix) {
    return submix == null || submix.isBlank() || submix.equalsIgnoreCase("Unknown");
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
