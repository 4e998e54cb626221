package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orcaset.TestRuns;
import dev.orcaset.cli.Main;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduled refresh: 10% new inputs, some inputs gone, one system prompt reworded. Only the new
 * questions and those paired with the changed prompt are sent; the manifest says so and keeps the
 * run history.
 */
class RefreshTest {
  static final int INPUTS = 200;
  static final int CHANGED_PROMPT = 2;

  @TempDir Path dir;

  private static String input(int i) {
    return "{\"inputs\": \"Question "
        + i
        + ": what makes a bridge stand?\", \"task_source\": \"T0\"}";
  }

  /** Runs and returns what the launcher told the user. */
  private String run(Path cfg, SimulatedTeacher sim) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        new Main(new PrintWriter(out, true), new PrintWriter(err, true))
            .run("run", "--config", cfg.toString(), "--teacher-url", sim.baseUrl());
    assertEquals(0, exit, out + "\n" + err);
    return err.toString();
  }

  /**
   * A refresh of a few questions against a journal of many: the lookup reads those questions'
   * entries through each slice's index, not the journal (which on a 5M dataset is ~10 GB).
   */
  @Test
  void aSmallRefreshReadsASmallFractionOfTheJournal() throws Exception {
    int journalled = 2_000;
    Path cfg = TestRuns.config(dir, "concurrency: 16");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < journalled; i++) {
      lines.add(input(i));
    }
    Files.write(dir.resolve("in.jsonl"), lines);
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 1, 0)) {
      run(cfg, sim);
      long journalBytes;
      try (Stream<Path> s = Files.list(dir.resolve("out/.journal"))) {
        journalBytes =
            s.filter(p -> p.toString().endsWith(".jsonl"))
                .mapToLong(p -> p.toFile().length())
                .sum();
      }
      // 1% of the journal's size in questions: 10 answered before, 10 new.
      List<String> refresh = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        refresh.add(input(i < 10 ? i * 150 : journalled + i));
      }
      Files.write(dir.resolve("in.jsonl"), refresh);
      long before = sim.requestCount();
      String said = run(cfg, sim);

      assertEquals(10, sim.requestCount() - before, "only the new questions are sent");
      assertEquals(20, DatasetReader.rows(dir.resolve("out/data")).size());
      Matcher m =
          Pattern.compile("journal lookup read (.+?) of (.+?) \\(([0-9.]+)%\\)").matcher(said);
      assertTrue(m.find(), said);
      double percent = Double.parseDouble(m.group(3));
      System.out.printf(
          "refresh of 20 questions against %d journalled (%d bytes): read %s of %s (%.1f%%)%n",
          journalled, journalBytes, m.group(1), m.group(2), percent);
      assertTrue(percent < 3, "read " + percent + "% of the journal");
      assertFalse(
          said.contains("from the previous snapshot"),
          "10 of its 2,000 rows are not worth reading the snapshot's answers for: " + said);
    }
  }

  /**
   * A scheduled refresh of 1% new inputs: the other 99% are rows of the previous snapshot, which
   * gives their answers, so the journal lookup reads its indexes and the new questions' entries.
   * The old rows come out the same, every column of them.
   */
  @Test
  void aRefreshOfOnePercentNewInputsReadsASmallFractionOfTheJournal() throws Exception {
    int old = 2_000;
    Path cfg = TestRuns.config(dir, "concurrency: 16");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < old; i++) {
      lines.add(input(i));
    }
    Files.write(dir.resolve("in.jsonl"), lines);
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 1, 0)) {
      run(cfg, sim);
      Map<String, String> before = new HashMap<>();
      for (GenericRecord r : DatasetReader.rows(dir.resolve("out/data"))) {
        before.put(r.get("request_hash").toString(), r.toString());
      }
      assertEquals(old, before.size());
      for (int i = old; i < old + old / 100; i++) {
        lines.add(input(i));
      }
      Files.write(dir.resolve("in.jsonl"), lines);
      long asked = sim.requestCount();
      String said = run(cfg, sim);

      assertEquals(old / 100, sim.requestCount() - asked, "only the new questions are sent");
      assertTrue(said.contains("2,000 answers taken from the previous snapshot"), "said: " + said);
      Matcher m =
          Pattern.compile("journal lookup read (.+?) of (.+?) \\(([0-9.]+)%\\)").matcher(said);
      assertTrue(m.find(), said);
      double percent = Double.parseDouble(m.group(3));
      System.out.printf(
          "refresh of 1%% new against %d rows: %s; journal lookup read %s of %s (%.1f%%)%n",
          old,
          said.lines().filter(l -> l.contains("previous snapshot")).findFirst().orElse(""),
          m.group(1),
          m.group(2),
          percent);
      assertTrue(percent < 5, "read " + percent + "% of the journal");
      List<GenericRecord> after = DatasetReader.rows(dir.resolve("out/data"));
      assertEquals(old + old / 100, after.size());
      int same = 0;
      for (GenericRecord r : after) {
        String was = before.get(r.get("request_hash").toString());
        if (was != null) {
          assertEquals(was, r.toString(), "an old row, rebuilt from the snapshot's answer");
          same++;
        }
      }
      assertEquals(old, same);
      JsonNode manifest = DatasetReader.manifest(dir.resolve("out"));
      assertEquals(old, manifest.at("/journal/reused_answers").asLong());
      assertTrue(manifest.at("/accounting/balanced").asBoolean());
    }
  }

  @Test
  void aRefreshSendsOnlyNewAndChangedQuestions() throws Exception {
    Path prompts = dir.resolve("prompts");
    Files.createDirectories(prompts);
    try (Stream<Path> files = Files.list(TestRuns.HOME.resolve("system-prompts"))) {
      for (Path f : files.toList()) {
        Files.copy(f, prompts.resolve(f.getFileName()));
      }
    }
    Path cfg = TestRuns.config(dir, "concurrency: 8");
    Files.writeString(
        cfg,
        Files.readString(cfg)
            .replace(TestRuns.HOME.resolve("system-prompts").toString(), "prompts"));
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < INPUTS; i++) {
      lines.add(input(i));
    }
    Files.write(dir.resolve("in.jsonl"), lines);
    Path out = dir.resolve("out");

    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 5, 0)) {
      run(cfg, sim);
      List<GenericRecord> before = DatasetReader.rows(out.resolve("data"));
      assertEquals(INPUTS, before.size());
      assertEquals(INPUTS, sim.requestCount());

      // The refresh: reword prompt 2, drop 10 inputs paired with other prompts, add 20 new ones.
      Path changed = prompts.resolve("02-step-by-step.txt");
      Files.writeString(changed, Files.readString(changed).strip() + " Keep each step short.\n");
      Set<String> removed =
          before.stream()
              .filter(r -> (int) r.get("system_prompt_id") != CHANGED_PROMPT)
              .map(r -> r.get("question").toString())
              .limit(10)
              .collect(Collectors.toSet());
      long affected =
          before.stream().filter(r -> (int) r.get("system_prompt_id") == CHANGED_PROMPT).count();
      assertTrue(affected > 0, "the changed prompt was used");
      List<String> refreshed = new ArrayList<>();
      for (int i = 0; i < INPUTS; i++) {
        if (!removed.contains(question(i))) {
          refreshed.add(input(i));
        }
      }
      for (int i = INPUTS; i < INPUTS + INPUTS / 10; i++) {
        refreshed.add(input(i));
      }
      assertEquals(INPUTS - 10 + INPUTS / 10, refreshed.size());
      Files.write(dir.resolve("in.jsonl"), refreshed);
      long requestsBefore = sim.requestCount();

      // The estimate knows what the journal holds: it prices only what will be sent.
      StringWriter said = new StringWriter();
      assertEquals(
          0,
          new Main(new PrintWriter(said, true), new PrintWriter(new StringWriter(), true))
              .run("estimate", "--config", cfg.toString(), "--teacher-url", sim.baseUrl()));
      JsonNode estimate =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(out.resolve("estimate.json").toFile());
      assertEquals(INPUTS / 10 + affected, estimate.get("questions").asLong(), estimate.toString());
      assertEquals(INPUTS - 10 - affected, estimate.get("reused_from_journal").asLong());
      assertTrue(
          said.toString().contains((INPUTS - 10 - affected) + " already answered"),
          said.toString());
      assertEquals(requestsBefore, sim.requestCount(), "an estimate sends nothing");

      run(cfg, sim);
      long sent = sim.requestCount() - requestsBefore;
      assertEquals(
          INPUTS / 10 + affected, sent, "only new inputs and questions with the changed prompt");

      JsonNode m = DatasetReader.manifest(out);
      assertEquals(INPUTS - 10 + INPUTS / 10, m.at("/counts/samples").asInt());
      assertTrue(m.at("/accounting/balanced").asBoolean());
      assertEquals(sent, m.at("/journal/questions_sent").asLong());
      assertEquals(INPUTS - 10 - affected, m.at("/journal/reused_answers").asLong());
      assertEquals(INPUTS / 10 + affected, m.at("/snapshot/new_rows").asLong());
      assertEquals(INPUTS - 10 - affected, m.at("/snapshot/kept_rows").asLong());
      assertEquals(
          10 + affected,
          m.at("/snapshot/dropped_rows").asLong(),
          "removed inputs + old-prompt rows");
      JsonNode runs = m.get("runs");
      assertEquals(2, runs.size(), "run history: " + runs);
      assertEquals(INPUTS, runs.get(0).get("questions_sent").asLong());
      assertEquals(sent, runs.get(1).get("questions_sent").asLong());
      assertEquals(INPUTS - 10 - affected, runs.get(1).get("reused_from_journal").asLong());

      List<GenericRecord> after = DatasetReader.rows(out.resolve("data"));
      String newText = Files.readString(changed).strip();
      String secondRun = runs.get(1).get("id").asText();
      for (GenericRecord r : after) {
        if ((int) r.get("system_prompt_id") == CHANGED_PROMPT) {
          assertEquals(newText, r.get("system_prompt").toString().strip());
          assertEquals(secondRun, r.get("run_id").toString(), "asked again in the refresh");
        }
        assertTrue(!removed.contains(r.get("question").toString()), "removed inputs are gone");
      }
      assertEquals(
          1,
          DatasetReader.files(out.resolve("data"), ".parquet").stream()
              .map(p -> p.getParent().getParent().getFileName().toString())
              .distinct()
              .count(),
          "one snapshot visible");
    }
  }

  private static String question(int i) {
    return "Question " + i + ": what makes a bridge stand?";
  }
}
