package dev.orcaset.license;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.TestRuns;
import dev.orcaset.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source half of the license policy, from the Data Provenance audit's table: the shipped policy
 * is what the table makes, every row of the table gets the verdict its class implies, and every
 * spelling an export uses finds the same entry.
 */
class SourceLicensesTest {
  static final Path TABLE = TestRuns.HOME.resolve("config/licenses/flan-source-licenses.tsv");
  static final Path SHIPPED = TestRuns.HOME.resolve("config/licenses/flan-source-licenses.yaml");
  static final LicensePolicy POLICY =
      LicensePolicy.load(TestRuns.HOME.resolve("config/licenses.yaml"));
  static final String MISTRAL = "mistralai/Mistral-7B-Instruct-v0.3";

  /** A row of the table as the audit writes it, read here without the importer. */
  record AuditRow(int line, String submix, String task, String dataset, String id, String classes) {
    boolean allClassesAll() {
      for (String c : classes.split(";")) {
        if (!c.strip().equals("All")) {
          return false;
        }
      }
      return true;
    }
  }

  static List<AuditRow> rows() throws IOException {
    List<AuditRow> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(TABLE);
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.startsWith("#") || l.startsWith("submix\t") || l.isBlank()) {
        continue;
      }
      String[] f = l.split("\t", -1);
      out.add(new AuditRow(i + 1, f[0], f[1], f[2], f[3], f[5]));
    }
    return out;
  }

  @Test
  void theShippedPolicyIsWhatTheTableMakes() throws IOException {
    String rebuilt = AuditImport.yaml(AuditImport.read(TABLE));
    assertEquals(
        Files.readString(SHIPPED),
        rebuilt,
        "config/licenses/flan-source-licenses.yaml has drifted from the table: run ./orcaset"
            + " licenses import config/licenses/flan-source-licenses.tsv");
  }

  @Test
  void everyRowOfTheTable_getsTheVerdictItsClassImplies() throws IOException {
    List<AuditRow> rows = rows();
    assertEquals(633, rows.size(), "the table's task names");
    int cleared = 0;
    for (AuditRow r : rows) {
      LicenseTag t = POLICY.tag("vllm", MISTRAL, r.submix(), r.task());
      String where = "line " + r.line() + " " + r.task() + ": " + t.reasons();
      assertEquals(r.id(), t.sourceDataset(), where);
      assertTrue(t.sourceReviewed(), where);
      assertEquals(r.allClassesAll(), t.commercialUse(), where);
      assertTrue(t.reasons().get(1).contains("Data Provenance Initiative audit"), where);
      assertTrue(t.reasons().get(1).contains("as of 2025-03-25"), where);
      if (r.classes().contains("?") && !r.allClassesAll()) {
        assertEquals("custom", t.sourceTag(), where);
      }
      cleared += t.commercialUse() ? 1 : 0;
    }
    assertEquals(252, cleared, "task names whose every license is of class All");
  }

  @Test
  void severalLicenses_theMostRestrictiveGoverns() {
    // stream_qed: CC BY-SA 3.0 and GPL-3.0, both All: cleared, share-alike kept as a condition.
    LicenseTag qed = POLICY.tag("vllm", MISTRAL, "CoT", "stream_qed");
    assertTrue(qed.commercialUse());
    assertTrue(qed.reasons().get(1).contains("share adaptations of the data under"));
    // task1619_menyo20k: Unspecified and Academic only: the academic license governs.
    LicenseTag menyo =
        POLICY.tag("vllm", MISTRAL, "NIv2", "task1619_menyo20k-mt_en_yo_translation");
    assertFalse(menyo.commercialUse());
    assertTrue(
        menyo.reasons().get(1).contains("allows academic research only"),
        menyo.reasons().toString());
  }

  @Test
  void everySpellingAnExportUses_findsTheSameEntry() throws IOException {
    int checked = 0;
    for (AuditRow r : rows()) {
      List<String> spellings = new ArrayList<>();
      spellings.add(r.task().toUpperCase(java.util.Locale.ROOT));
      switch (r.submix()) {
        case "Flan2021" -> {
          String bare = r.task().replaceFirst(":[0-9.]+$", "");
          spellings.add(bare); // anli/r1
          spellings.add(bare.replace('/', '_')); // anli_r1
          spellings.add(r.task().replace('/', '_')); // anli_r1:0.1.0
          spellings.add(r.dataset()); // FLAN's own name: anli_r1, cb, arc_challenge
          spellings.add(r.dataset() + "_10templates"); // Muennighoff/flan
          spellings.add(r.dataset() + "_10templates:1.0.0");
          spellings.add(r.dataset() + "_ii"); // an inverted task of the same dataset
        }
        case "NIv2" -> {
          if (r.task().matches("task0\\d+_.*")) {
            spellings.add(r.task().replaceFirst("^task0+", "task")); // task67_… for task067_…
          }
          spellings.add(r.task() + ":1.0.0");
        }
        default -> spellings.add(r.task() + "_10templates");
      }
      for (String s : spellings) {
        if (r.task().equals("Trivia QA") && s.equals("TRIVIA QA")) {
          continue; // checked below: its key is shared with Flan2021's trivia_qa
        }
        LicenseTag t = POLICY.tag("vllm", MISTRAL, r.submix(), s);
        assertEquals(r.id(), t.sourceDataset(), "line " + r.line() + ": '" + s + "'");
        checked++;
      }
    }
    assertTrue(checked > 1_500, "spellings checked: " + checked);
    assertEquals(
        "fc-flan-mnli",
        POLICY.tag("vllm", MISTRAL, "Flan2021", "mnli_matched_10templates").sourceDataset(),
        "an alias from the overrides file");
    assertEquals(
        "fc-sni-freebase_qa", POLICY.tag("vllm", MISTRAL, "NIv2", "Trivia QA").sourceDataset());
    assertEquals(
        "fc-flan-trivia_qa", POLICY.tag("vllm", MISTRAL, "Flan2021", "trivia_qa").sourceDataset());
  }

  @Test
  void aNameTheTableDoesNotList_isUnreviewedAndNotCleared() {
    LicenseTag t = POLICY.tag("vllm", MISTRAL, "NIv2", "task9999_made_up_task");
    assertEquals("flan-unreviewed", t.sourceTag());
    assertEquals("", t.sourceDataset());
    assertFalse(t.sourceReviewed());
    assertFalse(t.commercialUse());
    // The CoT task's name under another submix is not that task.
    assertFalse(POLICY.tag("vllm", MISTRAL, "NIv2", "cot_gsm8k").sourceReviewed());
    // A hand-kept rule still decides what the audit does not list.
    LicenseTag anli = POLICY.tag("vllm", MISTRAL, "NIv2", "task1387_anli_r3_entailment");
    assertEquals("cc-by-nc-4.0", anli.sourceTag());
    assertTrue(anli.sourceReviewed());
  }

  @Test
  void anOverrideTakesPrecedenceOverTheAudit() {
    LicenseRule review =
        new LicenseRule(
            Map.of("dataset", "fc-flan-trivia_qa"),
            "trivia-qa-reviewed",
            false,
            "the auditors' note says no commercial use",
            "reviewer",
            "2026-12-02");
    LicensePolicy p =
        new LicensePolicy(
            "t", List.of(), List.of(), List.of(review), POLICY.sourceTable(), Map.of());
    LicenseTag t = p.tag("vllm", MISTRAL, "Flan2021", "trivia_qa:1.1.0");
    assertEquals("trivia-qa-reviewed", t.sourceTag());
    assertEquals("fc-flan-trivia_qa", t.sourceDataset());
    assertTrue(t.sourceReviewed());
    assertTrue(POLICY.tag("vllm", MISTRAL, "Flan2021", "trivia_qa:1.1.0").commercialUse());
    assertTrue(
        POLICY
            .tag("vllm", MISTRAL, "Flan2021", "trivia_qa:1.1.0")
            .reasons()
            .get(1)
            .contains("the auditors note: \"No commercial use"),
        "a class the auditors' own note contradicts says so in every row");
  }

  @Test
  void aBadTable_failsWithTheLineAndColumn(@TempDir Path dir) throws IOException {
    List<String> good = Files.readAllLines(TABLE);
    int first = good.indexOf(good.stream().filter(l -> l.startsWith("CoT\t")).findFirst().get());
    Map<String, String> cases =
        Map.of(
            "CoT\tcot_x\tcot_x\tfc-x\tMIT License\tMaybe\t1\t0\thttp://x\t", "use_class",
            "CoT\tcot_x\tcot_x\tfc-x\tMIT License\tAll\tyes\t0\thttp://x\t", "attribution",
            "CoT\tcot_x\tcot_x\tfc-x\tMIT License; CC0 1.0\tAll\t1\t0\thttp://x\t", "use_class",
            "CoT\tcot_x\tcot_x\tfc-x\tMIT License\tAll\t1\t0", "columns");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      List<String> bad = new ArrayList<>(good);
      bad.set(first, c.getKey());
      Path f = dir.resolve("t.tsv");
      Files.write(f, bad);
      ConfigException e = assertThrows(ConfigException.class, () -> AuditImport.read(f));
      assertTrue(
          e.getMessage().contains("line " + (first + 1)) && e.getMessage().contains(c.getValue()),
          c.getKey() + " -> " + e.getMessage());
    }
  }
}
