package dev.orcaset.prompts;

import dev.orcaset.config.ConfigException;
import dev.orcaset.config.ConfigLoader;
import dev.orcaset.model.Hashes;
import dev.orcaset.model.QuestionType;
import dev.orcaset.model.Submix;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The system prompts of a run, read from a folder's `index.yaml` on the launching machine and
 * shipped to workers as data. A record's prompt is a pure function of (record id, seed), so a
 * re-run pairs every record with the same prompt.
 */
public final class SystemPromptSet implements Serializable {
  /** Weight key for submixes the index does not name (Dialog, Unknown). */
  public static final String DEFAULT_KEY = "default";

  private final String version;
  private final List<SystemPrompt> prompts;

  public SystemPromptSet(String version, List<SystemPrompt> prompts) {
    this.version = version;
    this.prompts = prompts.stream().sorted(Comparator.comparingInt(SystemPrompt::id)).toList();
  }

  public String version() {
    return version;
  }

  /** Each prompt's file name by id, for the manifest and card. */
  public Map<Integer, String> files() {
    Map<Integer, String> files = new TreeMap<>();
    prompts().forEach(p -> files.put(p.id(), p.file()));
    return files;
  }

  public List<SystemPrompt> prompts() {
    return prompts;
  }

  /** The prompt for a record, or empty when no prompt may be used for its submix. */
  public Optional<SystemPrompt> choose(String recordId, String submix, long seed) {
    return draw(prompts, recordId, submix, seed, "system-prompt");
  }

  /**
   * The prompt for a record of this question type: the draw above when its prompt suits the type;
   * otherwise a second draw among the prompts that do. So only records that drew an unsuitable
   * prompt change prompt (and request) when `when:` is set, and journals stay valid for the rest.
   */
  public Optional<SystemPrompt> choose(
      String recordId, String submix, long seed, QuestionType type) {
    Optional<SystemPrompt> first = choose(recordId, submix, seed);
    if (first.isEmpty() || first.get().suits(type)) {
      return first;
    }
    List<SystemPrompt> suited = prompts.stream().filter(p -> p.suits(type)).toList();
    return draw(suited, recordId, submix, seed, "system-prompt-for-" + type.wireName());
  }

  /**
   * The share of a submix's questions of one type that each prompt should get, by the index: a
   * prompt that suits the type gets its weight over the weights of all that do (the redraw in
   * {@link #choose(String, String, long, QuestionType)} spreads the unsuitable draws by weight
   * too); empty when none suits.
   */
  public Map<Integer, Double> expectedShares(String submix, QuestionType type) {
    List<SystemPrompt> suited =
        prompts.stream().filter(p -> p.suits(type) && p.weightFor(submix) > 0).toList();
    double total = suited.stream().mapToDouble(p -> p.weightFor(submix)).sum();
    Map<Integer, Double> out = new java.util.TreeMap<>();
    for (SystemPrompt p : suited) {
      out.put(p.id(), p.weightFor(submix) / total);
    }
    return out;
  }

  private static Optional<SystemPrompt> draw(
      List<SystemPrompt> prompts, String recordId, String submix, long seed, String purpose) {
    double total = prompts.stream().mapToDouble(p -> p.weightFor(submix)).sum();
    if (total <= 0) {
      return Optional.empty();
    }
    double target = Hashes.unitInterval(seed, purpose, recordId) * total;
    double cumulative = 0;
    SystemPrompt last = null;
    for (SystemPrompt p : prompts) {
      double w = p.weightFor(submix);
      if (w <= 0) {
        continue;
      }
      cumulative += w;
      last = p;
      if (target < cumulative) {
        return Optional.of(p);
      }
    }
    return Optional.ofNullable(last); // rounding at the very top of the range
  }

  record IndexEntry(Integer id, String file, Map<String, Double> weights, String when) {}

  record Index(String version, List<IndexEntry> prompts) {}

  /** Loads `DIR/index.yaml` and the text files it names; errors name the file and the entry. */
  public static SystemPromptSet load(Path dir) {
    Path indexFile = dir.resolve("index.yaml");
    Index index = ConfigLoader.readYaml(indexFile, Index.class);
    if (index.prompts() == null || index.prompts().isEmpty()) {
      throw new ConfigException("prompts", indexFile + ": lists no prompts");
    }
    List<SystemPrompt> prompts = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    for (int i = 0; i < index.prompts().size(); i++) {
      IndexEntry e = index.prompts().get(i);
      String key = "prompts[" + i + "]";
      if (e.id() == null || !ids.add(e.id())) {
        throw new ConfigException(key + ".id", indexFile + ": missing or repeated id " + e.id());
      }
      if (e.file() == null) {
        throw new ConfigException(key + ".file", indexFile + ": missing file name");
      }
      Map<String, Double> weights = e.weights() == null ? Map.of() : e.weights();
      for (Map.Entry<String, Double> w : weights.entrySet()) {
        if (!DEFAULT_KEY.equals(w.getKey()) && Submix.fromConfigName(w.getKey()) == null) {
          throw new ConfigException(
              key + ".weights." + w.getKey(),
              indexFile
                  + ": unknown submix; use CoT, NIv2, T0, Flan2021, Dialog, Unknown or default");
        }
        if (w.getValue() == null || w.getValue() < 0) {
          throw new ConfigException(
              key + ".weights." + w.getKey(), indexFile + ": weight must be 0 or more");
        }
      }
      Path file = dir.resolve(e.file());
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException ex) {
        throw new ConfigException(
            key + ".file", indexFile + ": cannot read " + file + ": " + ex.getMessage());
      }
      SystemPrompt.When when = SystemPrompt.When.ANY;
      if (e.when() != null) {
        try {
          when = SystemPrompt.When.valueOf(e.when().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException bad) {
          throw new ConfigException(
              key + ".when",
              indexFile + ": '" + e.when() + "' is not one of any, multiple_choice, open");
        }
      }
      prompts.add(new SystemPrompt(e.id(), e.file(), text, weights, when));
    }
    return new SystemPromptSet(index.version() == null ? "unversioned" : index.version(), prompts);
  }

  /**
   * Names the submixes (of those given) that no prompt may serve: a config error before any spend.
   */
  public List<String> submixesWithoutPrompt(List<String> submixes) {
    return submixes.stream()
        .filter(s -> prompts.stream().noneMatch(p -> p.weightFor(s) > 0))
        .toList();
  }
}
