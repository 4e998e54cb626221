package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orcaset.TestRuns;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LLM judge end to end, the simulated teacher answering and a simulated judge grading as each
 * question tells it: rows the target check could compare are not sent; the rest get the designed
 * score, or no score with the reason when the judge fails or writes no score; rows under
 * `min_score` are in `filtered/` under `judge`; the manifest and card count it all; a re-run asks
 * the judge nothing, its answers coming from its own journal; a judge on the Batch API grades the
 * same.
 */
class JudgeRunTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A question (with its markers), its FLAN target, and what the row should end with. */
  private record Designed(String question, String target, Integer score, String outcome) {}

  private static List<Designed> design() {
    List<Designed> d = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      // Checked against the target (a designed right answer): the judge is not asked.
      d.add(
          new Designed(
              "[[sim:reply=2 + "
                  + i
                  + " makes "
                  + (2 + i)
                  + ". The answer is "
                  + (2 + i)
                  + ".]]\n"
                  + "What is 2 + "
                  + i
                  + "?",
              String.valueOf(2 + i),
              null,
              "not_judged"));
    }
    d.add(new Designed("Describe a sunset over the sea. [[sim:judge=9]]", "Red sky.", 9, "kept"));
    d.add(new Designed("Describe a city at night. [[sim:judge=6]]", "Lights.", 6, "kept"));
    d.add(new Designed("Describe a forest in winter. [[sim:judge=3]]", "Snow.", 3, "dropped"));
    d.add(new Designed("Describe a desert at noon. [[sim:judge=1]]", "Sand.", 1, "dropped"));
    d.add(new Designed("Describe a harbour at dawn.", "Boats.", 8, "kept"));
    d.add(new Designed("Describe a mountain lake. [[sim:judge=none]]", "Water.", null, "unscored"));
    d.add(
        new Designed(
            "Describe a storm at sea. [[sim:judge-status=400]]", "Waves.", null, "failed"));
    return d;
  }

  private static Path config(Path dir, String judgeFields) throws Exception {
    List<String> lines = new ArrayList<>();
    for (Designed d : design()) {
      lines.add(
          JSON.createObjectNode()
              .put("inputs", d.question())
              .put("targets", d.target())
              .put("task_source", "Flan2021")
              .put("task_name", "judge_test")
              .put("template_type", "zs_noopt")
              .toString());
    }
    Files.write(dir.resolve("in.jsonl"), lines);
    Path cfg = TestRuns.config(dir, "concurrency: 4");
    Files.writeString(
        cfg,
        Files.readString(cfg)
            + "quality: {judge: {min_score: 6, teacher: {provider: simulated, model: judge-m,"
            + " temperature: 0, api_key_env: ORCASET_TEST_KEY_THAT_IS_NOT_SET"
            + judgeFields
            + "}}}\n");
    return cfg;
  }

  @Test
  void scoresAsDesigned_lowScoresFiltered_reRunReusesTheJudgesJournal(@TempDir Path dir)
      throws Exception {
    Path cfg = config(dir, "");
    Path out = dir.resolve("out");
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 0, 0)) {
      // Before any answer, every question may need a grade; each answer counted at max_tokens.
      JsonNode before = estimate(cfg, sim.baseUrl(), out);
      assertEquals(10, before.at("/judge/grades_at_most").asLong(), before.toString());
      assertEquals(10 * 1024, before.at("/judge/completion_tokens_max").asLong());
      assertTrue(before.at("/judge/prompt_tokens_max").asLong() > 10 * 1024, before.toString());

      CliRun run = CliRun.run(cfg, sim.baseUrl(), out, "--runner=DirectRunner");
      assertEquals(0, run.exit(), run.err());
      assertRowsAsDesigned(out);
      assertTrue(
          run.out()
              .contains(
                  "  judge          simulated/judge-m: 7 rows judged, 5 scored, 2 dropped under 6;"
                      + " 7 requests, 0 reused from its journal"),
          run.out());
      // Once answered, the journal's answers say which need the judge: the 7 not checked.
      JsonNode after = estimate(cfg, sim.baseUrl(), out);
      assertEquals(0, after.get("questions").asLong(), after.toString());
      assertEquals(7, after.at("/judge/grades_at_most").asLong(), after.toString());
      JsonNode judge = DatasetReader.manifest(out).get("judge");
      assertEquals(true, judge.get("enabled").asBoolean());
      assertEquals("judge-m", judge.get("model").asText());
      assertEquals("unchecked", judge.get("rows").asText());
      assertEquals(7, judge.get("judged").asLong(), judge.toString());
      assertEquals(5, judge.get("scored").asLong());
      assertEquals(2, judge.get("unscored").asLong());
      assertEquals(2, judge.get("below_min_score").asLong());
      assertEquals(1, judge.at("/scores/9").asLong());
      assertEquals(1, judge.at("/scores/8").asLong());
      assertEquals(0, judge.at("/scores/7").asLong());
      assertEquals(7, judge.at("/by_source/Flan2021/judged").asLong());
      // Six judge answers and one permanent refusal, each asked once; the teacher's 10 apart.
      assertEquals(7, judge.at("/usage/requests").asLong());
      assertTrue(judge.at("/usage/prompt_tokens").asLong() > 7 * 100, judge.toString());
      assertEquals(0, judge.get("reused_from_journal").asLong());
      assertEquals(10, DatasetReader.manifest(out).at("/teacher_usage/requests").asLong());
      assertEquals(2, DatasetReader.manifest(out).at("/dropped_by_reason/judge").asLong());
      assertTrue(
          Files.list(Path.of(judge.get("journal_dir").asText()))
              .anyMatch(f -> f.toString().endsWith(".jsonl")),
          "the judge's journal has slices");
      String card = Files.readString(out.resolve("README.md"));
      assertTrue(card.contains("## LLM judge"), card);
      assertTrue(card.contains("judge-m"), card);
      assertTrue(card.contains("| Flan2021 | 7 | 5 | 2 |"), card);

      CliRun again = CliRun.run(cfg, sim.baseUrl(), out, "--runner=DirectRunner");
      assertEquals(0, again.exit(), again.err());
      assertRowsAsDesigned(out);
      JsonNode reused = DatasetReader.manifest(out).get("judge");
      assertEquals(0, reused.at("/usage/requests").asLong(), reused.toString());
      assertEquals(7, reused.get("reused_from_journal").asLong());
      assertEquals(7, reused.get("judged").asLong());
    }
  }

  @Test
  void aJudgeOnTheBatchApiGradesTheSame(@TempDir Path dir) throws Exception {
    Path cfg = config(dir, ", mode: batch, batch: {poll_seconds: 1, max_poll_seconds: 1}");
    Path out = dir.resolve("out");
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 0, 0)) {
      CliRun run = CliRun.run(cfg, sim.baseUrl(), out, "--runner=DirectRunner");
      assertEquals(0, run.exit(), run.err());
    }
    assertRowsAsDesigned(out);
    assertEquals(7, DatasetReader.manifest(out).at("/judge/usage/requests").asLong());
  }

  /**
   * A judge on Anthropic's Messages API (a loopback server in its shape) while the teacher speaks
   * OpenAI's: with `rows: all` every answer is graded, the rubric is the system prompt and the row
   * is shown under its headings.
   */
  @Test
  void aJudgeOfAnotherProvider_gradesEveryRowWhenToldAll(@TempDir Path dir) throws Exception {
    List<String> bodies = java.util.Collections.synchronizedList(new ArrayList<>());
    try (mockwebserver3.MockWebServer claude = new mockwebserver3.MockWebServer()) {
      claude.setDispatcher(
          new mockwebserver3.Dispatcher() {
            @Override
            public mockwebserver3.MockResponse dispatch(mockwebserver3.RecordedRequest r) {
              bodies.add(r.getBody().utf8());
              String text = "{\"score\": 7, \"reason\": \"Correct, briefly explained.\"}";
              return new mockwebserver3.MockResponse.Builder()
                  .code(200)
                  .addHeader("content-type", "application/json")
                  .body(
                      "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
                          + "\"model\":\"claude-judge-1\",\"content\":[{\"type\":\"text\","
                          + "\"text\":"
                          + JSON.valueToTree(text)
                          + "}],\"stop_reason\":\"end_turn\","
                          + "\"usage\":{\"input_tokens\":300,\"output_tokens\":20}}")
                  .build();
            }
          });
      claude.start();
      Path cfg = config(dir, "");
      Files.writeString(
          cfg,
          Files.readString(cfg)
              .replace("min_score: 6,", "min_score: 6, rows: all,")
              .replace(
                  "teacher: {provider: simulated, model: judge-m,",
                  "teacher: {provider: anthropic, base_url: '"
                      + claude.url("/v1")
                      + "', auth_header: none, model: claude-judge,"));
      Path out = dir.resolve("out");
      try (SimulatedTeacher sim = SimulatedTeacher.start(0, 0, 0)) {
        CliRun run = CliRun.run(cfg, sim.baseUrl(), out, "--runner=DirectRunner");
        assertEquals(0, run.exit(), run.err());
      }
      List<GenericRecord> rows = DatasetReader.rows(out.resolve("data"));
      assertEquals(10, rows.size(), "7 is above min_score: every row kept");
      for (GenericRecord r : rows) {
        assertEquals(7, r.get("judge_score"));
        assertEquals("Correct, briefly explained.", r.get("judge_reason").toString());
      }
      JsonNode judge = DatasetReader.manifest(out).get("judge");
      assertEquals(10, judge.get("judged").asLong(), judge.toString());
      assertEquals("anthropic", judge.get("provider").asText());
      assertEquals(3000, judge.at("/usage/prompt_tokens").asLong());
      assertEquals(10, bodies.size());
      JsonNode body = JSON.readTree(bodies.get(0));
      assertEquals("claude-judge", body.get("model").asText());
      assertTrue(
          body.get("system").toString().contains("Score the answer from 1 to 10"), body.toString());
      String shown = body.at("/messages/0/content").toString();
      for (String heading :
          List.of(
              "## Instructions the answer had to follow",
              "## Question",
              "## Reference answer",
              "## Answer to grade")) {
        assertTrue(shown.contains(heading), shown);
      }
    }
  }

  /** `orcaset estimate` of the same config: its estimate.json. */
  private static JsonNode estimate(Path cfg, String teacherUrl, Path out) throws Exception {
    java.io.StringWriter text = new java.io.StringWriter();
    int exit =
        new dev.orcaset.cli.Main(
                new java.io.PrintWriter(text, true), new java.io.PrintWriter(text, true))
            .run(
                new String[] {
                  "estimate",
                  "--config",
                  cfg.toString(),
                  "--teacher-url",
                  teacherUrl,
                  "--output",
                  out.toString(),
                  "--runner=DirectRunner"
                });
    assertEquals(0, exit, text.toString());
    assertTrue(text.toString().contains("  judge          at most "), text.toString());
    return JSON.readTree(out.resolve("estimate.json").toFile());
  }

  /** Each row, kept or filtered, ends as designed, with the score and reason it was given. */
  private static void assertRowsAsDesigned(Path out) throws Exception {
    Map<String, GenericRecord> kept = new HashMap<>();
    for (GenericRecord r : DatasetReader.rows(out.resolve("data"))) {
      kept.put(r.get("question").toString(), r);
    }
    Map<String, JsonNode> filtered = new HashMap<>();
    for (JsonNode f : DatasetReader.jsonLines(out.resolve("filtered"))) {
      filtered.put(f.at("/sample/question").asText(), f);
    }
    List<Designed> design = design();
    assertEquals(design.size(), kept.size() + filtered.size(), "every row once: " + kept.keySet());
    for (Designed d : design) {
      String q = d.question();
      switch (d.outcome()) {
        case "not_judged" -> {
          GenericRecord r = kept.get(q);
          assertEquals("match", r.get("target_check").toString(), q);
          assertNull(r.get("judge_score"), q);
          assertNull(r.get("judge_reason"), q);
        }
        case "kept" -> {
          GenericRecord r = kept.get(q);
          assertEquals(d.score(), r.get("judge_score"), q);
          assertTrue(r.get("judge_reason").toString().contains("scored " + d.score()), q);
        }
        case "dropped" -> {
          JsonNode f = filtered.get(q);
          assertEquals("judge", f.get("reason").asText(), q);
          assertEquals(d.score().intValue(), f.at("/sample/judge_score").asInt(), q);
          assertTrue(
              f.get("detail").asText().contains("scored it " + d.score() + ", under"),
              f.toString());
        }
        case "unscored" -> {
          GenericRecord r = kept.get(q);
          assertNull(r.get("judge_score"), q);
          assertTrue(
              r.get("judge_reason").toString().startsWith("no score from 1 to 10"),
              r.get("judge_reason").toString());
        }
        case "failed" -> {
          GenericRecord r = kept.get(q);
          assertNull(r.get("judge_score"), q);
          assertTrue(
              r.get("judge_reason").toString().startsWith("the judge failed (permanent_error,"),
              r.get("judge_reason").toString());
        }
        default -> throw new AssertionError(d);
      }
    }
  }
}
