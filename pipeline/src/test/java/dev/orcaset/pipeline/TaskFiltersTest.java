package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orcaset.TestRuns;
import dev.orcaset.config.ConfigException;
import dev.orcaset.config.ConfigLoader;
import dev.orcaset.config.ConfigValidator;
import dev.orcaset.config.OrcasetConfig;
import dev.orcaset.config.SamplingConfig;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task filters: include and exclude patterns (globs and `re:`), global and per submix, and the
 * shipped list of tasks drawn from evaluation sets; every row they leave out is counted under its
 * own reason, with the pattern that did it.
 */
class TaskFiltersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path PRESET =
      TestRuns.HOME.resolve("config/task-lists/evaluation-sets.yaml");

  /** The FLAN task names the audit lists, as shipped. */
  private static List<String> auditTasks() throws Exception {
    List<String> out = new ArrayList<>();
    for (String line :
        Files.readAllLines(TestRuns.HOME.resolve("config/licenses/flan-source-licenses.tsv"))) {
      String[] f = line.split("\t");
      if (!line.startsWith("#") && f.length > 2 && !f[0].equals("submix")) {
        out.add(f[1]);
      }
    }
    return out;
  }

  private static String yaml(Path dir, String sampling) throws Exception {
    Files.copy(
        PRESET,
        dir.resolve("evaluation-sets.yaml"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return """
    input: {paths: [in.jsonl]}
    output: {dir: out}
    prompts: {dir: %s}
    teacher: {provider: simulated, model: m, api_key_env: ORCASET_TEST_KEY_THAT_IS_NOT_SET}
    license: {policy: %s}
    sampling: %s
    """
        .formatted(
            TestRuns.HOME.resolve("system-prompts"),
            TestRuns.HOME.resolve("config/licenses.yaml"),
            sampling);
  }

  @Test
  void theEvaluationPresetLeavesOutExactlyTheAuditsTasksFromThoseBenchmarks(@TempDir Path dir)
      throws Exception {
    Path cfg = dir.resolve("run.yaml");
    Files.writeString(
        cfg,
        yaml(
            dir,
            "{exclude_task_lists: [evaluation-sets.yaml], submixes: {CoT: {}, NIv2: {}, T0: {},"
                + " Flan2021: {}}}"));
    OrcasetConfig c = ConfigValidator.validate(ConfigLoader.load(cfg));
    SamplingConfig s = c.sampling();
    assertEquals(13, s.excludeTasks().size(), "the list's entries are read into exclude_tasks");
    TaskFilter filter = TaskFilter.of(s, "T0", s.submix("T0"));
    Map<String, TreeSet<String>> byBenchmark = new TreeMap<>();
    TreeSet<String> distinct = new TreeSet<>(auditTasks());
    for (String task : distinct) {
      filter
          .leftOut(task)
          .ifPresent(
              why -> {
                assertEquals("task_excluded", why.reason().wireName());
                String benchmark = why.detail().replaceAll("^[^(]*\\(([^;]+);.*", "$1");
                byBenchmark.computeIfAbsent(benchmark, k -> new TreeSet<>()).add(task);
              });
    }
    assertEquals(633, distinct.size());
    assertEquals(
        27, byBenchmark.values().stream().mapToInt(TreeSet::size).sum(), byBenchmark.toString());
    assertEquals(
        List.of("ARC", "DROP", "GSM8K", "HellaSwag", "RACE", "AGIEval (AQuA-RAT)").stream()
            .sorted()
            .toList(),
        new ArrayList<>(byBenchmark.keySet()));
    assertEquals(17, byBenchmark.get("RACE").size());
    assertTrue(byBenchmark.get("ARC").contains("ai2_arc/ARC-Challenge:1.0.0"));
    // Names that only look alike stay in.
    for (String kept :
        List.of(
            "task519_aquamuse_question_generation",
            "task1319_country_by_barcode_prefix",
            "task209_stancedetection_classification",
            "cot_strategyqa")) {
      assertTrue(filter.leftOut(kept).isEmpty(), kept);
    }
    assertTrue(filter.leftOut("bigbench_logical_deduction").isPresent(), "the BBH guard");
    assertTrue(filter.leftOut("MMLU_high_school_math").isPresent(), "case is ignored");
  }

  @Test
  void includeAndExcludeByGlobOrRegex_eachLeftOutRowCountedUnderItsReason(@TempDir Path dir)
      throws Exception {
    List<String> lines = new ArrayList<>();
    String[][] rows = {
      {"T0", "race_high_Taking_a_test"}, // the preset
      {"T0", "quail_context_question"}, // excluded by T0's own pattern
      {"T0", "wiki_qa_found_on_google"}, // kept
      {"NIv2", "task001_quoref_question_generation"}, // not in NIv2's include list
      {"NIv2", "task228_arc_answer_generation_easy"}, // included, then the preset
      {"NIv2", "task1146_country_capital"}, // included and kept
      {"Flan2021", "glue/mrpc:2.0.0"}, // global regex exclude
      {"Flan2021", "winogrande:1.1.0"}, // kept
    };
    for (int i = 0; i < rows.length; i++) {
      lines.add(
          JSON.createObjectNode()
              .put("inputs", "Question " + i + " about " + rows[i][1] + "?")
              .put("targets", "x")
              .put("task_source", rows[i][0])
              .put("task_name", rows[i][1])
              .put("template_type", "zs_noopt")
              .toString());
    }
    Files.write(dir.resolve("in.jsonl"), lines);
    Path cfg = dir.resolve("run.yaml");
    Files.writeString(
        cfg,
        yaml(
            dir,
            "{exclude_task_lists: [evaluation-sets.yaml], exclude_tasks: ['re:glue/.*'],"
                + " submixes: {T0: {max_rows: 100, exclude_tasks: ['quail_*']},"
                + " NIv2: {include_tasks: ['task1146_*', 're:task2\\d\\d_.*']}, Flan2021: {}}}"));
    Path out = dir.resolve("out");
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 0, 0)) {
      CliRun run = CliRun.run(cfg, sim.baseUrl(), out, "--runner=DirectRunner");
      assertEquals(0, run.exit(), run.err());
    }
    TreeSet<String> kept = new TreeSet<>();
    for (GenericRecord r : DatasetReader.rows(out.resolve("data"))) {
      kept.add(r.get("task_name").toString());
    }
    assertEquals(
        new TreeSet<>(
            List.of("task1146_country_capital", "wiki_qa_found_on_google", "winogrande:1.1.0")),
        kept);
    Map<String, String> why = new TreeMap<>();
    for (JsonNode f : DatasetReader.jsonLines(out.resolve("filtered"))) {
      why.put(
          f.get("task_name").asText(), f.get("reason").asText() + ": " + f.get("detail").asText());
    }
    assertEquals(5, why.size(), why.toString());
    assertTrue(
        why.get("race_high_Taking_a_test")
            .startsWith(
                "task_excluded: task_name 'race_high_Taking_a_test' matches 'race_high_*'"
                    + " (RACE; Orca 2"),
        why.toString());
    assertTrue(
        why.get("quail_context_question")
            .endsWith("matches 'quail_*' of sampling.submixes.T0.exclude_tasks"),
        why.toString());
    assertTrue(
        why.get("task001_quoref_question_generation")
            .equals(
                "task_not_included: task_name 'task001_quoref_question_generation' matches none"
                    + " of sampling.submixes.NIv2.include_tasks"),
        why.toString());
    assertTrue(why.get("task228_arc_answer_generation_easy").contains("(ARC;"), why.toString());
    assertTrue(
        why.get("glue/mrpc:2.0.0").endsWith("matches 're:glue/.*' of sampling.exclude_tasks"),
        why.toString());
    JsonNode m = DatasetReader.manifest(out);
    assertEquals(4, m.at("/dropped_by_reason/task_excluded").asLong(), m.toString());
    assertEquals(1, m.at("/dropped_by_reason/task_not_included").asLong());
    assertEquals(
        2, m.at("/quotas/T0/left_out_before/task_excluded").asLong(-1), m.at("/quotas").toString());
  }

  @Test
  void aBadPatternOrAMissingListIsNamedByItsKey(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad, yaml(dir, "{submixes: {T0: {include_tasks: ['ok_*', 're:race_(high']}}}"));
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigValidator.validate(ConfigLoader.load(bad)));
    assertEquals("sampling.submixes.T0.include_tasks[1]", e.key(), e.getMessage());
    assertTrue(e.getMessage().contains("not a valid regular expression"), e.getMessage());

    Path missing = dir.resolve("missing.yaml");
    Files.writeString(missing, yaml(dir, "{exclude_task_lists: [evaluation.yaml]}"));
    ConfigException m = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
    assertEquals("sampling.exclude_task_lists[0]", m.key(), m.getMessage());
    assertTrue(m.getMessage().contains("evaluation.yaml is not a file"), m.getMessage());
  }
}
