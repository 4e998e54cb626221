package dev.orcaset.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.orcaset.io.Locations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a run config (YAML) into {@link OrcasetConfig}. Relative paths in the file are resolved
 * against the file's own folder, so a config works from any working directory; unknown keys and
 * wrong types fail with the file, line and key.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /** One mapper for every YAML file orcaset reads: snake_case keys, strict about unknown ones. */
  public static ObjectMapper yamlMapper() {
    return new ObjectMapper(new YAMLFactory())
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  }

  public static OrcasetConfig load(Path file) {
    OrcasetConfig raw = readYaml(file, OrcasetConfig.class);
    Path base = file.toAbsolutePath().getParent();
    return resolvePaths(raw, base);
  }

  /**
   * Parses any orcaset YAML file into {@code type}, turning Jackson errors into key-naming ones.
   */
  public static <T> T readYaml(Path file, Class<T> type) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(null, "config file not found: " + file);
    }
    try {
      T value = yamlMapper().readValue(file.toFile(), type);
      if (value == null) {
        throw new ConfigException(null, file + ": the file is empty");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      String known =
          e.getKnownPropertyIds() == null
              ? ""
              : " (known keys here: "
                  + e.getKnownPropertyIds().stream()
                      .map(String::valueOf)
                      .sorted()
                      .collect(Collectors.joining(", "))
                  + ")";
      throw new ConfigException(keyPath(e), where(file, e) + "unknown key" + known, e);
    } catch (JsonMappingException e) {
      throw new ConfigException(keyPath(e), where(file, e) + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          null, where(file, e.getLocation()) + "not valid YAML: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ConfigException(null, "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * "FILE line N: " for a mapping error. The YAML parser reports where it stopped, often the line
   * after the key, so the key's own line is looked up by walking its path through the text.
   */
  private static String where(Path file, JsonMappingException e) {
    try {
      List<String> lines = Files.readAllLines(file);
      int at = -1;
      for (JsonMappingException.Reference ref : e.getPath()) {
        if (ref.getFieldName() == null) {
          continue;
        }
        Pattern key =
            Pattern.compile("(^|[{,\\s])\"?" + Pattern.quote(ref.getFieldName()) + "\"?\\s*:");
        int from = at + 1;
        at = -1;
        for (int i = from; i < lines.size(); i++) {
          if (key.matcher(lines.get(i).replaceAll("#.*$", "")).find()) {
            at = i;
            break;
          }
        }
        if (at < 0) {
          return where(file, e.getLocation());
        }
      }
      return at < 0 ? where(file, e.getLocation()) : file + " line " + (at + 1) + ": ";
    } catch (IOException | RuntimeException notReadable) {
      return where(file, e.getLocation());
    }
  }

  private static String where(Path file, JsonLocation loc) {
    return loc == null || loc.getLineNr() < 1
        ? file + ": "
        : file + " line " + loc.getLineNr() + ": ";
  }

  static String keyPath(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }

  private static OrcasetConfig resolvePaths(OrcasetConfig c, Path base) {
    List<String> inputs = c.input().paths().stream().map(p -> resolve(base, p)).toList();
    return new OrcasetConfig(
        new InputConfig(inputs),
        new OutputConfig(resolve(base, c.output().dir()), c.output().compression()),
        withTaskLists(c.sampling(), base),
        c.prompts().withDir(resolve(base, c.prompts().dir())),
        c.teacher(),
        new LicenseConfig(resolve(base, c.license().policy())),
        resolve(base, c.pricing()),
        c.limit(),
        c.journal().withDir(resolve(base, c.journal().dir())),
        c.quality()
            .withJudge(
                c.quality()
                    .judge()
                    .withPaths(
                        resolve(base, c.quality().judge().rubric()),
                        resolve(base, c.quality().judge().journalDir()))),
        c.tiers().stream().map(t -> t.withJournalDir(resolve(base, t.journalDir()))).toList());
  }

  /** A task list file: what it holds and why, and its patterns. */
  record TaskList(String description, List<TaskRule> tasks) {}

  /**
   * Reads the task list files `sampling.exclude_task_lists` names (relative to the config's folder)
   * into `sampling.exclude_tasks`, so workers get patterns, not paths.
   */
  private static SamplingConfig withTaskLists(SamplingConfig s, Path base) {
    List<String> paths = new java.util.ArrayList<>();
    List<TaskRule> rules = new java.util.ArrayList<>();
    for (int i = 0; i < s.excludeTaskLists().size(); i++) {
      String path = resolve(base, s.excludeTaskLists().get(i));
      Path file = Path.of(path);
      String key = "sampling.exclude_task_lists[" + i + "]";
      if (!Files.isRegularFile(file)) {
        throw new ConfigException(key, "the task list " + file + " is not a file");
      }
      TaskList list;
      try {
        list = readYaml(file, TaskList.class);
      } catch (ConfigException e) {
        throw new ConfigException(key, e.getMessage(), e);
      }
      if (list.tasks() == null || list.tasks().isEmpty()) {
        throw new ConfigException(key, file + " lists no tasks (a `tasks:` list of patterns)");
      }
      paths.add(path);
      rules.addAll(list.tasks());
    }
    return paths.isEmpty() ? s : s.withTaskLists(paths, rules);
  }

  /**
   * Resolves a local relative path against {@code base}; URLs such as `gs://b/x` stay as they are.
   */
  public static String resolve(Path base, String path) {
    if (path == null || path.isBlank() || !Locations.isLocal(path)) {
      return path;
    }
    return base.resolve(path).normalize().toString();
  }
}
