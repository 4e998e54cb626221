package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.orcaset.TestRuns;
import dev.orcaset.cli.Main;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fixed run, recorded before the teacher stage was restructured: the same inputs through the
 * simulated teacher must give the same rows, value by value, in data/, failed/, rejected/ and
 * filtered/, and the same manifest counts. Only what differs by run (run id, times, temp paths,
 * snapshot ids) is left out. Regenerate with {@code -Dorcaset.updateGolden=true} only when a change
 * of output is intended, and say why in the commit.
 */
class GoldenRunTest {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  private static final Path GOLDEN =
      TestRuns.HOME.resolve("pipeline/src/test/resources/GoldenRunTest/golden.json");

  /** Row and manifest fields that differ from run to run. */
  private static final Set<String> PER_RUN =
      Set.of("generated_at", "run_id", "generated_at_millis", "at_millis");

  /** Manifest sections that hold counts (the rest are times, paths, ids and the config). */
  private static final List<String> MANIFEST_COUNTS =
      List.of(
          "counts",
          "accounting",
          "samples_by_source",
          "samples_by_license",
          "samples_by_commercial_use",
          "samples_by_system_prompt",
          "samples_by_source_and_prompt",
          "rejected_by_reason",
          "dropped_by_reason",
          "failed_by_reason",
          "failed_by_status",
          "teacher_usage",
          "licenses",
          "quality_gates",
          "tokens",
          "system_prompts",
          "cost");

  /** Answers that each trip one quality gate, so filtered/ holds paid answers too. */
  private static final List<String> GATED =
      List.of(
          "Explain photosynthesis. [[sim:finish=length]]",
          "Explain tides. [[sim:reply=]]",
          "Explain rain. [[sim:reply=As an AI language model, I cannot have opinions on rain.]]",
          "Is the sky blue? [[sim:reply=Step 1: read it. Step 2: think it over. Step 3: answer.]]",
          "Is grass green? [[sim:reply=Step 1: read it. Step 2: think it over. Step 3: answer.]]",
          "Is snow white? Let's think step by step. [[sim:reply=Yes.]]");

  @Test
  void theFixedRunGivesTheRecordedRowsAndCounts(@TempDir Path dir) throws Exception {
    Path config = FlanFixtures.write(dir, TestRuns.HOME);
    List<String> gated = new ArrayList<>();
    for (String q : GATED) {
      ObjectNode n = JSON.createObjectNode().put("inputs", q).put("targets", "t");
      gated.add(
          n.put("task_source", "CoT")
              .put("task_name", "cot_gated")
              .put("template_type", "zs_noopt")
              .toString());
    }
    Files.write(dir.resolve("inputs/gated.jsonl"), gated);
    Path output = dir.resolve("golden");
    StringWriter err = new StringWriter();
    int exit;
    try (SimulatedTeacher teacher = SimulatedTeacher.start(0, 5, 3)) {
      exit =
          new Main(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))
              .run(
                  "run",
                  "--config",
                  config.toString(),
                  "--teacher-url",
                  teacher.baseUrl(),
                  "--output",
                  output.toString(),
                  "--runner=DirectRunner");
    }
    assertEquals(0, exit, err.toString());

    ObjectNode actual = JSON.createObjectNode();
    ArrayNode rows = actual.putArray("rows");
    List<GenericRecord> parquet = new ArrayList<>(DatasetReader.rows(output.resolve("data")));
    parquet.sort(Comparator.comparing(g -> g.get("id").toString()));
    for (GenericRecord g : parquet) {
      rows.add(normalise(JSON.readTree(g.toString()), dir));
    }
    for (String folder : List.of("failed", "rejected", "filtered")) {
      List<JsonNode> lines = new ArrayList<>();
      for (JsonNode n : DatasetReader.jsonLines(output.resolve(folder))) {
        lines.add(normalise(n, dir));
      }
      lines.sort(Comparator.comparing(JsonNode::toString));
      actual.putArray(folder).addAll(lines);
    }
    JsonNode manifest = DatasetReader.manifest(output);
    ObjectNode counts = actual.putObject("manifest");
    for (String section : MANIFEST_COUNTS) {
      counts.set(section, manifest.get(section));
    }
    for (String k : List.of("reused_answers", "reused_failures", "questions_sent")) {
      counts.with("journal").set(k, manifest.path("journal").get(k));
    }
    for (String k : List.of("new_rows", "kept_rows", "dropped_rows")) {
      counts.with("snapshot").set(k, manifest.path("snapshot").get(k));
    }
    String text =
        JSON.writerWithDefaultPrettyPrinter()
            .writeValueAsString(JSON.treeToValue(actual, Map.class));

    if (Boolean.getBoolean("orcaset.updateGolden")) {
      Files.createDirectories(GOLDEN.getParent());
      Files.writeString(GOLDEN, text + "\n");
    }
    assertEquals(Files.readString(GOLDEN).strip(), text.strip());
  }

  /** Drops per-run fields and writes the temp folder as `$DIR`, at any depth. */
  private static JsonNode normalise(JsonNode node, Path dir) {
    if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
        if (PER_RUN.contains(it.next())) {
          it.remove();
        }
      }
      o.fields().forEachRemaining(e -> e.setValue(normalise(e.getValue(), dir)));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        ((ArrayNode) node).set(i, normalise(node.get(i), dir));
      }
    } else if (node.isTextual()) {
      return TextNode.valueOf(node.asText().replace(dir.toString(), "$DIR"));
    }
    return node;
  }
}
