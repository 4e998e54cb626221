package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orcaset.TestRuns;
import dev.orcaset.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality gates in a real run: the simulated teacher is told (by markers in the questions) to
 * truncate, refuse, answer bare, answer empty or answer two questions alike; every such row must be
 * in `filtered/` under its rule with the paid answer kept, and only the good rows in the data.
 */
class QualityGatesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void eachRuleDropsItsRows_keepsThemInFiltered_andTheManifestCountsThemByRule(@TempDir Path dir)
      throws Exception {
    Map<String, String> expected = new HashMap<>(); // question marker -> rule
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      lines.add(
          row("Good question number " + i + ": how many legs do " + (i + 2) + " spiders have?"));
    }
    lines.add(row("Explain photosynthesis. [[sim:finish=length]]"));
    expected.put("sim:finish=length", "finish_reason");
    lines.add(row("Explain tides. [[sim:reply=]]"));
    expected.put("sim:reply=]]", "empty_response");
    lines.add(
        row(
            "Explain rain. [[sim:reply=As an AI language model, I cannot have opinions on"
                + " rain.]]"));
    expected.put("sim:reply=As an AI", "refusal");
    String template =
        "[[sim:reply=Step 1: read the question. Step 2: think about it carefully. Step 3: the"
            + " answer follows from the steps.]]";
    lines.add(row("Is the sky blue? " + template));
    lines.add(row("Is grass green? " + template));
    lines.add(
        row("Is snow white? [[sim:reply=Yes.]]")); // no_explanation or too_short, by its prompt
    String words =
        IntStream.range(0, 80).mapToObj(i -> "word" + i + " ").collect(Collectors.joining());
    lines.add(row("Summarize: " + words + "quebec."));
    lines.add(row("Summarize: " + words + "romeo.")); // a near copy of the line above
    Files.write(dir.resolve("in.jsonl"), lines);
    Path cfg = TestRuns.config(dir, "concurrency: 4");
    Files.writeString(
        cfg,
        Files.readString(cfg)
            + "quality: {near_duplicate_input: {enabled: true, threshold: 0.9}}\n");

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        new Main(new PrintWriter(out, true), new PrintWriter(err, true))
            .run("run", "--config", cfg.toString());
    assertEquals(0, exit, err.toString());

    Path output = dir.resolve("out");
    List<JsonNode> filtered = DatasetReader.jsonLines(output.resolve("filtered"));
    Map<String, List<JsonNode>> byRule =
        filtered.stream().collect(Collectors.groupingBy(f -> f.get("reason").asText()));
    for (Map.Entry<String, String> e : expected.entrySet()) {
      List<JsonNode> rows = byRule.getOrDefault(e.getValue(), List.of());
      assertEquals(1, rows.size(), e.getValue() + ": " + filtered);
      JsonNode sample = rows.get(0).get("sample");
      assertTrue(
          sample.get("question").asText().contains(e.getKey()),
          e.getValue() + " dropped the wrong row: " + sample);
      assertTrue(
          sample.has("response") && sample.has("completion_tokens"),
          "the paid answer is kept whole");
    }
    assertEquals(
        "length", byRule.get("finish_reason").get(0).get("sample").get("finish_reason").asText());

    JsonNode bare = byRule.getOrDefault("no_explanation", byRule.get("too_short")).get(0);
    String bareRule =
        bare.get("sample").get("system_prompt").asText().isBlank() ? "too_short" : "no_explanation";
    assertEquals(
        bareRule,
        bare.get("reason").asText(),
        "a bare answer is no_explanation unless its prompt was empty");
    assertEquals("Yes.", bare.get("sample").get("response").asText());

    List<JsonNode> dup = byRule.get("duplicate_response");
    assertEquals(1, dup.size(), "one of the two alike answers is kept");
    assertTrue(dup.get(0).get("detail").asText().startsWith("same response as "));

    List<JsonNode> near = byRule.get("near_duplicate_input");
    assertEquals(1, near.size(), filtered.toString());
    assertTrue(
        near.get(0).get("detail").asText().matches("about (0\\.9\\d|1\\.00) similar to input .+"),
        near.get(0).toString());
    assertTrue(
        near.get(0).get("sample").isNull(), "dropped before the teacher: nothing was paid for");

    List<GenericRecord> rows = DatasetReader.rows(output.resolve("data"));
    assertEquals(6 + 1 + 1, rows.size(), "6 good, 1 of the alike pair, 1 of the near copies");
    for (GenericRecord r : rows) {
      String q = r.get("question").toString();
      assertTrue(
          !q.contains("finish=")
              && !q.contains("reply=Yes")
              && !q.contains("AI language")
              && !q.contains("reply=]]"),
          q);
    }

    JsonNode manifest = DatasetReader.manifest(output);
    Map<String, Long> gateCounts = new HashMap<>();
    manifest
        .get("quality_gates")
        .forEach(g -> gateCounts.put(g.get("rule").asText(), g.get("filtered").asLong()));
    assertEquals(
        Map.of(
            "finish_reason",
            1L,
            "empty_response",
            1L,
            "refusal",
            1L,
            bareRule,
            1L,
            "duplicate_response",
            1L,
            "near_duplicate_input",
            1L,
            "wrong_answer",
            0L,
            "judge",
            0L,
            "no_explanation".equals(bareRule) ? "too_short" : "no_explanation",
            0L),
        gateCounts);
    assertEquals(6, manifest.get("counts").get("filtered").asLong());
    assertEquals(8, manifest.get("counts").get("samples").asLong());
    assertTrue(manifest.get("accounting").get("balanced").asBoolean());
  }

  private static String row(String inputs) {
    return JSON.createObjectNode()
        .put("inputs", inputs)
        .put("targets", "x")
        .put("task_source", "CoT")
        .put("task_name", "cot_gsm8k")
        .put("template_type", "zs_opt")
        .toString();
  }
}
