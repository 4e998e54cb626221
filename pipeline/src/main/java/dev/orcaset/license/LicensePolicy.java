package dev.orcaset.license;

import dev.orcaset.config.ConfigException;
import dev.orcaset.config.ConfigLoader;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides each row's {@link LicenseTag} from two policies read from `config/licenses.yaml`: the
 * teacher's terms (matched on `provider` and `model`) and the source dataset's license (matched
 * on `submix` and `task_name`). The first matching rule of each list applies; a teacher or source
 * no rule covers is not cleared. The most restrictive side decides the tag and both reasons are
 * kept.
 */
public final class LicensePolicy implements Serializable {
  private static final Set<String> TEACHER_FIELDS = Set.of("provider", "model");
  private static final Set<String> SOURCE_FIELDS = Set.of("submix", "task_name");

  private final String version;
  private final List<LicenseRule> teachers;
  private final List<LicenseRule> sources;

  record PolicyFile(String version, List<LicenseRule> teachers, List<LicenseRule> sources) {}

  LicensePolicy(String version, List<LicenseRule> teachers, List<LicenseRule> sources) {
    this.version = version;
    this.teachers = List.copyOf(teachers);
    this.sources = List.copyOf(sources);
  }

  public String version() {
    return version;
  }

  public static LicensePolicy load(Path file) {
    PolicyFile p = ConfigLoader.readYaml(file, PolicyFile.class);
    List<LicenseRule> teachers = p.teachers() == null ? List.of() : p.teachers();
    List<LicenseRule> sources = p.sources() == null ? List.of() : p.sources();
    validate(file, "teachers", teachers, TEACHER_FIELDS);
    validate(file, "sources", sources, SOURCE_FIELDS);
    return new LicensePolicy(p.version() == null ? "unversioned" : p.version(), teachers, sources);
  }

  private static void validate(Path file, String list, List<LicenseRule> rules, Set<String> fields) {
    for (int i = 0; i < rules.size(); i++) {
      LicenseRule r = rules.get(i);
      String key = list + "[" + i + "]";
      for (String f : r.match().keySet()) {
        if (!fields.contains(f)) {
          throw new ConfigException(key + ".match." + f, file + ": can only match on " + fields);
        }
      }
      if (r.tag() == null || !r.tag().matches("[a-z0-9][a-z0-9._-]*")) {
        throw new ConfigException(key + ".tag", file + ": needs a tag of lowercase letters, digits, '.', '_' or '-'");
      }
      if (r.commercialUse() == null) {
        throw new ConfigException(key + ".commercial_use", file + ": must say true or false");
      }
      if (r.reason() == null || r.reason().isBlank()) {
        throw new ConfigException(key + ".reason", file + ": must say why (rows carry this text)");
      }
    }
  }

  public LicenseTag tag(String provider, String model, String submix, String taskName) {
    LicenseRule teacher = first(teachers, Map.of("provider", nz(provider), "model", nz(model)),
        new LicenseRule(Map.of(), "unknown", false,
            "teacher " + provider + "/" + model + " is not covered by the license policy: not cleared until its terms are reviewed",
            null, null));
    LicenseRule source = first(sources, Map.of("submix", nz(submix), "task_name", nz(taskName)),
        new LicenseRule(Map.of(), "unknown-source", false,
            "source " + submix + "/" + taskName + " is not covered by the license policy: not cleared until its license is reviewed",
            null, null));
    List<String> reasons = new ArrayList<>();
    reasons.add("teacher: " + teacher.citedReason());
    reasons.add("source: " + source.citedReason());
    boolean commercial = teacher.commercialUse() && source.commercialUse();
    String tag = !teacher.commercialUse() || source.commercialUse() ? teacher.tag() : source.tag();
    return new LicenseTag(tag, commercial, reasons);
  }

  private static LicenseRule first(List<LicenseRule> rules, Map<String, String> facts, LicenseRule fallback) {
    return rules.stream().filter(r -> r.matches(facts)).findFirst().orElse(fallback);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
