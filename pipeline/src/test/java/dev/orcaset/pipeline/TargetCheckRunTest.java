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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose teacher answers some questions right and some wrong by design (each question tells
 * the simulated teacher its reply): every row's verdict is the designed one, the wrong answers are
 * in `filtered/` under `wrong_answer`, and the manifest and card count verdicts per submix.
 */
class TargetCheckRunTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A question, its FLAN target, the reply the teacher is told to give, and the verdict due. */
  private record Designed(
      String submix, String question, String target, String reply, String verdict) {}

  private static List<Designed> design() {
    List<Designed> d = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String nli =
          "Premise: \"A man is playing the guitar on stage number "
              + i
              + ".\"\nHypothesis: \"A man is performing music.\"\n"
              + "Does the premise entail the hypothesis?\nOPTIONS:\n- yes\n"
              + "- it is not possible to tell\n- no";
      boolean right = i < 3;
      d.add(
          new Designed(
              "Flan2021",
              nli,
              "yes",
              right
                  ? "Playing guitar on stage " + i + " is a performance. The answer is yes."
                  : "Nobody may be listening at stage " + i + ", so it is not possible to tell.",
              right ? "match" : "mismatch"));
      d.add(
          new Designed(
              "CoT",
              "Chen has " + (30 + i) + " apples and buys 12 packs of 5. How many now?",
              "12 * 5 = 60. So Chen has " + (90 + i) + " apples. The answer is " + (90 + i) + ".",
              right
                  ? "12 packs of 5 is 60, and "
                      + (30 + i)
                      + " + 60 = "
                      + (90 + i)
                      + ".\n#### "
                      + (90 + i)
                  : "12 packs of 5 is 50 apples. The answer is " + (80 + i) + ".",
              right ? "match" : "mismatch"));
      d.add(
          new Designed(
              "T0",
              "Passage: Curie won prizes in physics and chemistry ("
                  + i
                  + ").\nQuestion: which"
                  + " fields?",
              "physics and chemistry",
              right
                  ? "The passage (" + i + ") names two sciences.\nAnswer: physics and chemistry"
                  : "The passage (" + i + ") is about writing.\nAnswer: literature and poetry",
              right ? "match" : "mismatch"));
    }
    for (int i = 0; i < 2; i++) {
      // No reply: the simulated teacher's own answer states no final answer.
      d.add(
          new Designed(
              "NIv2",
              "Classify review "
                  + i
                  + ". Answer with 'positive' or 'negative'.\nThe soup was cold.",
              "negative",
              null,
              "unchecked"));
      d.add(
          new Designed(
              "NIv2",
              "Translate to German (" + i + "): Two children are building a big sandcastle today.",
              "Zwei Kinder bauen heute eine große Sandburg, die sehr schön ist.",
              "Zwei Kinder bauen heute eine große Sandburg (" + i + "), die sehr schön ist.",
              "unchecked"));
    }
    return d;
  }

  @Test
  void verdictsMatchTheDesign_wrongAnswersAreFiltered_andCountedPerSubmix(@TempDir Path dir)
      throws Exception {
    List<Designed> design = design();
    List<String> lines = new ArrayList<>();
    for (Designed d : design) {
      lines.add(
          JSON.createObjectNode()
              .put("inputs", question(d))
              .put("targets", d.target())
              .put("task_source", d.submix())
              .put("template_type", "zs_opt")
              .toString());
    }
    Files.write(dir.resolve("in.jsonl"), lines);
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 0, 0)) {
      CliRun run =
          CliRun.run(
              TestRuns.config(dir, "concurrency: 4"),
              sim.baseUrl(),
              dir.resolve("out"),
              "--runner=DirectRunner");
      assertEquals(0, run.exit(), run.err());
    }
    Path out = dir.resolve("out");

    Map<String, String> verdictByQuestion = new HashMap<>();
    for (GenericRecord r : DatasetReader.rows(out.resolve("data"))) {
      verdictByQuestion.put(r.get("question").toString(), r.get("target_check").toString());
    }
    Map<String, String> filteredBy = new HashMap<>();
    for (JsonNode f : DatasetReader.jsonLines(out.resolve("filtered"))) {
      JsonNode s = f.get("sample");
      filteredBy.put(s.get("question").asText(), f.get("reason").asText());
      verdictByQuestion.put(s.get("question").asText(), s.get("target_check").asText());
      assertTrue(f.get("detail").asText().contains("the target is"), "the gate says why: " + f);
    }
    assertEquals(design.size(), verdictByQuestion.size(), "every question answered once");
    Map<String, long[]> expected = new HashMap<>();
    int wrong = 0;
    for (Designed d : design) {
      String q = question(d);
      assertEquals(d.verdict(), verdictByQuestion.get(q), q);
      if (d.verdict().equals("mismatch")) {
        assertEquals("wrong_answer", filteredBy.get(q), q);
        wrong++;
      } else {
        assertTrue(!filteredBy.containsKey(q), "kept: " + q);
      }
      long[] n = expected.computeIfAbsent(d.submix(), k -> new long[3]);
      n[List.of("match", "mismatch", "unchecked").indexOf(d.verdict())]++;
    }
    assertEquals(6, wrong);

    JsonNode manifest = DatasetReader.manifest(out);
    JsonNode checks = manifest.get("target_checks");
    assertEquals(expected.keySet(), fieldNames(checks));
    expected.forEach(
        (submix, n) -> {
          JsonNode s = checks.get(submix);
          assertEquals(n[0], s.get("match").asLong(), submix);
          assertEquals(n[1], s.get("mismatch").asLong(), submix);
          assertEquals(n[2], s.get("unchecked").asLong(), submix);
          assertEquals(n[0] + n[1] + n[2], s.get("answered").asLong(), submix);
        });
    assertEquals(0.0, checks.at("/NIv2/checked_share").asDouble());
    assertEquals(3, checks.at("/CoT/by_method/number/match").asLong());
    assertEquals(2, checks.at("/T0/by_method/span/mismatch").asLong());
    assertEquals(2, checks.at("/Flan2021/by_method/option/mismatch").asLong());
    assertEquals(wrong, manifest.at("/dropped_by_reason/wrong_answer").asLong());

    String card = Files.readString(out.resolve("README.md"));
    assertTrue(card.contains("## Answers against FLAN's targets"), card);
    assertTrue(card.contains("| CoT | 5 | 3 | 2 | 0 | 100.0% |"), card);
    assertTrue(card.contains("| NIv2 | 4 | 0 | 0 | 4 | 0.0% |"), card);
    assertTrue(card.contains("dropped by the `wrong_answer` gate"), card);
  }

  /** The question as sent: the reply marker on its own line, ahead of the options. */
  private static String question(Designed d) {
    return d.reply() == null ? d.question() : "[[sim:reply=" + d.reply() + "]]\n" + d.question();
  }

  private static Set<String> fieldNames(JsonNode n) {
    Set<String> out = new HashSet<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
