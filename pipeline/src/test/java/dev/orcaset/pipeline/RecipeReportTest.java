package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orcaset.TestRuns;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recipe report: a run with a task-balanced quota on a skewed submix and a multiple-choice
 * submix without one; the manifest's `recipe` and the card's "Recipe" say whether each quota was
 * met, how it was balanced, the largest task's share, and each prompt's share of the rows against
 * the index's share for the question type.
 */
class RecipeReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void quotasBalanceAndThePromptMixAgainstTheIndex(@TempDir Path dir) throws Exception {
    List<String> lines = new ArrayList<>();
    String[] tasks = {"big_task", "small_a", "small_b"};
    int[] sizes = {240, 30, 30};
    for (int t = 0; t < tasks.length; t++) {
      for (int i = 0; i < sizes[t]; i++) {
        lines.add(row("Describe item " + i + " of " + tasks[t] + ".", "T0", tasks[t]));
      }
    }
    for (int i = 0; i < 100; i++) {
      lines.add(
          row("Is claim " + i + " true?\nOPTIONS:\n- yes\n- no", "Flan2021", "claims_" + (i % 4)));
    }
    Files.write(dir.resolve("in.jsonl"), lines);
    Path cfg = TestRuns.config(dir, "concurrency: 8");
    Files.writeString(
        cfg,
        Files.readString(cfg)
            .replace(
                "sampling: {enabled: false}",
                "sampling: {submixes: {T0: {max_rows: 150, balance: task}, Flan2021: {}}}"));
    Path out = dir.resolve("out");
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 0, 0)) {
      CliRun run = CliRun.run(cfg, sim.baseUrl(), out, "--runner=DirectRunner");
      assertEquals(0, run.exit(), run.err());
    }
    JsonNode m = DatasetReader.manifest(out);
    JsonNode t0 = m.at("/recipe/T0");
    assertEquals(150, t0.at("/quota/wanted").asLong(), m.get("recipe").toString());
    assertEquals(150, t0.at("/quota/taken").asLong());
    assertTrue(t0.at("/quota/met").asBoolean());
    assertEquals("task", t0.get("balance").asText());
    // Σ min(n, c) = 150 over tasks of 240, 30, 30: c = 90, so the big task has 60%, not 80%.
    assertEquals(0.6, t0.get("largest_task_share").asDouble(), 1e-9);
    assertEquals(m.at("/tasks/T0/largest_share").asDouble(), 0.6, 1e-9);

    // T0's open questions: the 8 T0 prompts that are not for multiple choice, 1/8 each.
    JsonNode open = t0.at("/prompts/open");
    assertEquals(150, open.get("rows").asLong());
    assertEquals(
        List.of("1", "10", "14", "16", "2", "3", "4", "5"), sortedNames(open.get("by_prompt")));
    long sum = 0;
    for (JsonNode p : open.get("by_prompt")) {
      assertEquals(0.125, p.get("index_share").asDouble(), 1e-9);
      sum += p.get("rows").asLong();
    }
    assertEquals(150, sum);
    assertTrue(open.get("largest_gap").asDouble() < 0.12, open.toString());

    // Flan2021's multiple-choice questions may also get prompts 6 and 13, and prompt 5 by its
    // `default` weight: 9 prompts.
    JsonNode flan = m.at("/recipe/Flan2021");
    assertTrue(flan.get("quota").isNull());
    JsonNode mc = flan.at("/prompts/multiple_choice");
    assertEquals(100, mc.get("rows").asLong());
    assertEquals(9, mc.get("by_prompt").size(), mc.toString());
    assertEquals(0.111, mc.at("/by_prompt/13/index_share").asDouble(), 1e-9);
    assertTrue(mc.at("/by_prompt/13/rows").asLong() > 0, mc.toString());

    String card = Files.readString(out.resolve("README.md"));
    assertTrue(card.contains("## Recipe"), card);
    assertTrue(card.contains("| T0 | 150 of 150 | yes | task | 60.0% |"), card);
    assertTrue(card.contains("| Flan2021 | no quota | - | record |"), card);
    assertTrue(card.contains("| T0 | open | 150 | 1: "), card);
  }

  private static String row(String inputs, String submix, String task) {
    return JSON.createObjectNode()
        .put("inputs", inputs)
        .put("targets", "x")
        .put("task_source", submix)
        .put("task_name", task)
        .put("template_type", "zs_opt")
        .toString();
  }

  private static List<String> sortedNames(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    out.sort(null);
    return out;
  }
}
