package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An Apache-2.0 teacher (Mistral 7B) over inputs whose task names are 50 real ones from the Data
 * Provenance audit's table, spelled as exports spell them, plus one task the audit does not list:
 * each row is cleared exactly when its task's every license is of class All, names its source
 * dataset, and the manifest, card and export list exactly the datasets present, with their counts.
 */
class SourceProvenanceTest {
  static final Path TABLE = TestRuns.HOME.resolve("config/licenses/flan-source-licenses.tsv");
  static final int PER_TASK = 4;
  static final String UNLISTED = "task9999_not_in_the_audit";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A task of the table: how the inputs spell it, its dataset id and name, whether All. */
  record Task(String submix, String spelling, String id, String dataset, boolean cleared) {}

  @TempDir static Path dir;
  static List<Task> tasks = new ArrayList<>();
  static String out;

  @BeforeAll
  static void run() throws Exception {
    List<String[]> rows = new ArrayList<>();
    for (String l : Files.readAllLines(TABLE)) {
      if (!l.startsWith("#") && !l.startsWith("submix\t") && !l.isBlank()) {
        rows.add(l.split("\t", -1));
      }
    }
    for (int i = 0; i < 50; i++) {
      String[] r = rows.get((int) Math.round(i * (rows.size() - 1) / 49.0));
      boolean all = true;
      for (String c : r[5].split(";")) {
        all &= c.strip().equals("All");
      }
      // Flan2021 as Muennighoff/flan writes it (FLAN's name + template suffix), the rest as listed.
      String spelling = r[0].equals("Flan2021") ? r[2] + "_10templates" : r[1];
      tasks.add(new Task(r[0], spelling, r[3], r[2], all));
    }
    Random words = new Random(7);
    String[] vocabulary =
        "river stone paper violet engine quiet market lantern orbit meadow copper signal harbor"
            .split(" ");
    StringBuilder in = new StringBuilder();
    List<Task> withUnlisted = new ArrayList<>(tasks);
    withUnlisted.add(new Task("NIv2", UNLISTED, "", "", false));
    int n = 0;
    for (Task t : withUnlisted) {
      for (int k = 0; k < (t.spelling().equals(UNLISTED) ? 2 : PER_TASK); k++) {
        StringBuilder text = new StringBuilder("Question " + n++ + ":");
        for (int w = 0; w < 12; w++) {
          text.append(' ').append(vocabulary[words.nextInt(vocabulary.length)]).append(n * 31 + w);
        }
        in.append(
                JSON.writeValueAsString(
                    Map.of(
                        "inputs", text.toString(),
                        "targets", "yes",
                        "task_source", t.submix(),
                        "task_name", t.spelling(),
                        "template_type", "zs_opt")))
            .append('\n');
      }
    }
    Files.writeString(dir.resolve("in.jsonl"), in);
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 0, 0)) {
      Path cfg = TestRuns.config(dir, "");
      Files.writeString(
          cfg,
          Files.readString(cfg)
              .replace(
                  "provider: simulated, model: m",
                  "provider: vllm, model: mistralai/Mistral-7B-Instruct-v0.3, auth_header: none,"
                      + " base_url: '"
                      + sim.baseUrl()
                      + "'"));
      StringWriter err = new StringWriter();
      int exit =
          new Main(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))
              .run(new String[] {"run", "--config", cfg.toString(), "--runner=DirectRunner"});
      assertEquals(0, exit, err.toString());
    }
    out = dir.resolve("out").toString();
  }

  @Test
  void eachRowIsClearedExactlyWhenItsSourceClassIsAll() throws Exception {
    Map<String, Task> bySpelling = new HashMap<>();
    tasks.forEach(t -> bySpelling.put(t.spelling(), t));
    List<GenericRecord> rows = DatasetReader.rows(Path.of(out, "data"));
    assertEquals(50 * PER_TASK + 2, rows.size());
    int cleared = 0;
    for (GenericRecord r : rows) {
      String task = r.get("task_name").toString();
      boolean commercial = (Boolean) r.get("commercial_use");
      if (task.equals(UNLISTED)) {
        assertEquals(false, commercial);
        assertEquals("flan-unreviewed", r.get("source_license").toString());
        assertEquals(false, r.get("source_reviewed"));
        continue;
      }
      Task t = bySpelling.get(task);
      assertEquals(t.cleared(), commercial, task + ": " + r.get("license_reasons"));
      assertEquals(t.id(), r.get("source_dataset").toString(), task);
      assertEquals(true, r.get("source_reviewed"), task);
      cleared += commercial ? 1 : 0;
    }
    long expected = tasks.stream().filter(Task::cleared).count() * PER_TASK;
    assertEquals(expected, cleared);
    assertTrue(cleared > 0 && cleared < 50 * PER_TASK, "a mix: " + cleared);
  }

  @Test
  void theManifestAndCardListExactlyTheDatasetsPresent_withCounts() throws Exception {
    Map<String, long[]> expected = new TreeMap<>();
    Map<String, String> names = new HashMap<>();
    for (Task t : tasks) {
      long[] n = expected.computeIfAbsent(t.id(), k -> new long[2]);
      n[0] += PER_TASK;
      n[1] += t.cleared() ? PER_TASK : 0;
      names.put(t.id(), t.dataset());
    }
    JsonNode m = DatasetReader.manifest(Path.of(out));
    Map<String, long[]> listed = new TreeMap<>();
    for (JsonNode d : m.path("provenance")) {
      listed.put(
          d.path("dataset_id").asText(),
          new long[] {d.path("rows").asLong(), d.path("cleared_rows").asLong()});
      assertTrue(d.path("licenses").size() > 0, d.toString());
      assertTrue(d.path("source").asText().contains("Data Provenance"), d.toString());
    }
    assertEquals(expected.keySet(), listed.keySet());
    expected.forEach(
        (id, n) -> {
          assertEquals(n[0], listed.get(id)[0], id);
          assertEquals(n[1], listed.get(id)[1], id);
        });
    JsonNode coverage = m.path("source_coverage");
    assertEquals(50 * PER_TASK, coverage.path("reviewed_rows").asLong());
    assertEquals(2, coverage.path("unreviewed_rows").asLong());
    assertEquals(UNLISTED, coverage.path("unreviewed_tasks").get(0).path("task_name").asText());

    String card = Files.readString(Path.of(out, "README.md"));
    String section =
        card.substring(
            card.indexOf("## Source datasets and attribution"),
            card.indexOf("##", card.indexOf("## Source datasets and attribution") + 3));
    long tableRows =
        section
            .lines()
            .filter(l -> l.startsWith("| ") && !l.startsWith("| dataset"))
            .filter(l -> !l.matches("[|: -]+"))
            .count();
    assertEquals(expected.size(), tableRows, section);
    expected.forEach(
        (id, n) -> {
          String row =
              section
                  .lines()
                  .filter(l -> l.startsWith("| " + names.get(id) + " |"))
                  .findFirst()
                  .orElseThrow(() -> new AssertionError(id + " missing from\n" + section));
          assertTrue(row.contains("| " + n[0] + " | " + n[1] + " |"), row);
        });
    assertTrue(card.contains("`" + UNLISTED + "` (2)"), "the coverage paragraph names it");
  }

  @Test
  void anExportCarriesTheProvenanceOfTheRowsItCopies() throws Exception {
    Path dest = dir.resolve("export");
    StringWriter err = new StringWriter();
    int exit =
        new Main(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))
            .run(new String[] {"export", "--commercial-only", out, dest.toString()});
    assertEquals(0, exit, err.toString());
    JsonNode record = JSON.readTree(dest.resolve("export.json").toFile());
    long rows = 0;
    for (JsonNode d : record.path("provenance")) {
      rows += d.path("rows").asLong();
      assertTrue(d.path("cleared_rows").asLong() > 0);
    }
    assertEquals(tasks.stream().filter(Task::cleared).count() * PER_TASK, rows);
    assertEquals(
        tasks.stream().filter(Task::cleared).map(Task::id).distinct().count(),
        record.path("provenance").size());
    String md = Files.readString(dest.resolve("PROVENANCE.md"));
    assertTrue(md.contains("## Source datasets and attribution"), md);
  }

  @Test
  void inspectShowsTheClearedSharePerSubmix() {
    StringWriter o = new StringWriter();
    int exit =
        new Main(new PrintWriter(o, true), new PrintWriter(new StringWriter(), true))
            .run(new String[] {"inspect", out});
    assertEquals(0, exit);
    assertTrue(o.toString().contains("cleared share"), o.toString());
    for (String submix : List.of("CoT", "Flan2021", "T0", "NIv2")) {
      long all = tasks.stream().filter(t -> t.submix().equals(submix)).count() * PER_TASK;
      if (submix.equals("NIv2")) {
        all += 2;
      }
      long cleared =
          tasks.stream().filter(t -> t.submix().equals(submix) && t.cleared()).count() * PER_TASK;
      String line =
          o.toString()
              .lines()
              .filter(l -> l.matches("\\s*" + submix + "\\s+\\d.*"))
              .findFirst()
              .orElse("");
      assertTrue(
          line.contains(String.valueOf(all)) && line.contains(String.valueOf(cleared)),
          submix + " " + all + "/" + cleared + ": " + line);
    }
  }
}
