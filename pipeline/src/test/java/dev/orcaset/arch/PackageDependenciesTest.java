package dev.orcaset.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.TestRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages' dependencies, read from the sources' imports and qualified names: no cycles, and
 * the model depends on no other package of ours, so every stage can depend on it.
 */
class PackageDependenciesTest {
  private static final Path SOURCES = TestRuns.HOME.resolve("pipeline/src/main/java");
  private static final Pattern REFERENCE =
      Pattern.compile("\\bdev\\.orcaset\\.([a-z][a-z.]*)\\.[A-Z]");

  /** Package → the packages of ours it refers to. */
  static Map<String, Set<String>> dependencies() throws IOException {
    Map<String, Set<String>> deps = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg =
            SOURCES
                .relativize(f.getParent())
                .toString()
                .replace('/', '.')
                .replace("dev.orcaset.", "");
        Set<String> mine = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
        Matcher m = REFERENCE.matcher(Files.readString(f));
        while (m.find()) {
          if (!m.group(1).equals(pkg)) {
            mine.add(m.group(1));
          }
        }
      }
    }
    return deps;
  }

  @Test
  void packagesFormNoCycle() throws IOException {
    Map<String, Set<String>> deps = dependencies();
    List<String> cycles = new ArrayList<>();
    for (String start : deps.keySet()) {
      findCycle(start, start, deps, new ArrayList<>(List.of(start)), new TreeSet<>(), cycles);
    }
    assertEquals(List.of(), cycles, "package cycles; dependencies are " + deps);
  }

  @Test
  void theModelDependsOnNoOtherPackageOfOurs() throws IOException {
    Map<String, Set<String>> deps = dependencies();
    assertTrue(deps.containsKey("model"), "no model package in " + deps.keySet());
    assertEquals(Set.of(), deps.get("model"));
    for (String pkg : List.of("io", "journal", "quality", "report", "license", "flan")) {
      assertTrue(
          !deps.getOrDefault(pkg, Set.of()).contains("pipeline"),
          pkg + " must depend on the model, not on the pipeline: " + deps.get(pkg));
    }
  }

  private static void findCycle(
      String start,
      String at,
      Map<String, Set<String>> deps,
      List<String> path,
      Set<String> seen,
      List<String> cycles) {
    for (String next : deps.getOrDefault(at, Set.of())) {
      if (next.equals(start)) {
        cycles.add(String.join(" -> ", path) + " -> " + start);
      } else if (seen.add(next)) {
        path.add(next);
        findCycle(start, next, deps, path, seen, cycles);
        path.remove(path.size() - 1);
      }
    }
  }
}
