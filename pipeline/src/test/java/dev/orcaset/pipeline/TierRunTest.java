package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orcaset.TestRuns;
import dev.orcaset.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two teacher tiers on the bundled inputs (`config/tiers-demo.yaml`, the README's command): tier 2
 * asks a nested subset of tier 1's questions, each with the same system prompt and question, of its
 * own model; each tier has its own journal, usage and price; the accounting of inputs is tier 1's
 * alone; a re-run pays neither tier again; `export --tier` takes one tier's rows.
 */
class TierRunTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path CONFIG = TestRuns.HOME.resolve("config/tiers-demo.yaml");

  private static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = new Main(new PrintWriter(out, true), new PrintWriter(err, true)).run(args);
    assertEquals(0, exit, out + "\n" + err);
    return new String[] {out.toString(), err.toString()};
  }

  @Test
  void tierTwoAnswersANestedSubset_eachTierJournaledPricedAndExported(@TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("out");
    String[] first = run("run", "--config", CONFIG.toString(), "--output", out.toString());
    assertTrue(first[1].contains("tier 2 simulated/orcaset-sim-large"), first[1]);

    List<GenericRecord> rows = DatasetReader.rows(out.resolve("data"));
    Map<String, GenericRecord> tier1 = new HashMap<>();
    Map<String, GenericRecord> tier2 = new HashMap<>();
    for (GenericRecord r : rows) {
      (((Integer) r.get("tier")) == 1 ? tier1 : tier2).put(r.get("id").toString(), r);
    }
    JsonNode m = DatasetReader.manifest(out);
    assertEquals(m.at("/counts/samples").asLong(), tier1.size(), "tier 1 rows are the samples");
    assertTrue(m.at("/accounting/balanced").asBoolean(), m.get("accounting").toString());

    // Tier 2: the quotas (the demo has enough rows in each submix), all of them tier 1 questions
    // with the same prompt and question, answered by the other model.
    Map<String, Integer> bySource = new TreeMap<>();
    for (GenericRecord r : tier2.values()) {
      bySource.merge(r.get("source").toString(), 1, Integer::sum);
      GenericRecord same = tier1.get(r.get("id").toString());
      assertTrue(same != null, "tier 2 row " + r.get("id") + " is not a tier 1 question");
      assertEquals(same.get("system_prompt_id"), r.get("system_prompt_id"));
      assertEquals(same.get("system_prompt").toString(), r.get("system_prompt").toString());
      assertEquals(same.get("question").toString(), r.get("question").toString());
      assertEquals("orcaset-sim-large", r.get("teacher_model").toString());
      assertEquals("orcaset-sim-1", same.get("teacher_model").toString());
      assertNotEquals(same.get("request_hash").toString(), r.get("request_hash").toString());
    }
    assertEquals(Map.of("CoT", 5, "Flan2021", 6, "NIv2", 10, "T0", 6), bySource);

    JsonNode tiers = m.get("tiers");
    assertEquals(2, tiers.size(), m.toString());
    assertEquals("orcaset-sim-1", tiers.get(0).get("model").asText());
    assertEquals(tier1.size(), tiers.get(0).get("samples").asLong());
    JsonNode t2 = tiers.get(1);
    assertEquals("orcaset-sim-large", t2.get("model").asText());
    assertEquals(27, t2.get("questions").asLong(), t2.toString());
    assertEquals(27, t2.get("samples").asLong(), t2.toString());
    assertEquals(10, t2.at("/by_source/NIv2/wanted").asLong());
    assertEquals(10, t2.at("/by_source/NIv2/questions").asLong());
    assertEquals(27, t2.at("/usage/requests").asLong(), t2.toString());
    assertTrue(t2.at("/usage/completion_tokens").asLong() > 0, t2.toString());
    assertEquals(0.0, t2.get("estimated_usd").asDouble(), "priced as a simulated model: 0");
    assertEquals(
        m.at("/teacher_usage/requests").asLong(), tiers.get(0).at("/usage/requests").asLong());
    // Tier 1's usage is only tier 1's: its own questions, not tier 2's 27 besides.
    assertEquals(tiers.get(0).get("questions").asLong(), m.at("/teacher_usage/requests").asLong());
    Path journal2 = Path.of(t2.get("journal_dir").asText());
    assertEquals(out.resolve(".journal/tier-2").toAbsolutePath(), journal2.toAbsolutePath());
    assertTrue(
        Files.list(journal2).anyMatch(f -> f.toString().endsWith(".jsonl")),
        "tier 2 has journal slices of its own");
    String card = Files.readString(out.resolve("README.md"));
    assertTrue(card.contains("## Teacher tiers"), card);
    assertTrue(card.contains("| 2 | simulated/orcaset-sim-large | online | 27 | 27 |"), card);

    String inspected = run("inspect", out.toString())[0];
    assertTrue(inspected.contains("Teacher tiers"), inspected);
    assertTrue(inspected.contains("simulated/orcaset-sim-large"), inspected);

    // A re-run: both tiers from their journals, nothing paid.
    run("run", "--config", CONFIG.toString(), "--output", out.toString());
    JsonNode again = DatasetReader.manifest(out);
    assertEquals(0, again.at("/tiers/0/usage/requests").asLong(), again.get("tiers").toString());
    assertEquals(0, again.at("/tiers/1/usage/requests").asLong());
    assertEquals(27, again.at("/tiers/1/usage/reused_answers").asLong());
    assertEquals(27, again.at("/tiers/1/samples").asLong());

    // export --tier 2: exactly tier 2's rows; --tier 1 exactly tier 1's.
    Path two = dir.resolve("tier-2");
    String[] exported = run("export", "--tier", "2", out.toString(), two.toString());
    assertTrue(exported[0].startsWith("exported 27 rows of teacher tier 2 ("), exported[0]);
    List<GenericRecord> copied = DatasetReader.rows(two);
    assertEquals(27, copied.size());
    assertTrue(copied.stream().allMatch(r -> (Integer) r.get("tier") == 2));
    JsonNode record = JSON.readTree(two.resolve("export.json").toFile());
    assertEquals("tier = 2", record.get("filter").asText());
    assertEquals(27, record.get("rows").asLong());
    Path one = dir.resolve("tier-1");
    run("export", "--tier", "1", out.toString(), one.toString());
    assertEquals(tier1.size(), DatasetReader.rows(one).size());
    // Cleared rows of both tiers: the manifest's cleared count is tier 1's only.
    Path cleared = dir.resolve("cleared");
    String[] both = run("export", "--commercial-only", out.toString(), cleared.toString());
    long clearedRows = rows.stream().filter(r -> (Boolean) r.get("commercial_use")).count();
    assertEquals(clearedRows, DatasetReader.rows(cleared).size(), both[0]);
    assertFalse(both[0].isEmpty());
  }

  /** The demo's config in {@code dir}, its paths absolute, with {@code from} replaced. */
  private static Path variant(Path dir, String from, String to) throws Exception {
    String yaml =
        Files.readString(CONFIG)
            .replace("sample-inputs/", TestRuns.HOME.resolve("config/sample-inputs") + "/")
            .replace("../system-prompts", TestRuns.HOME.resolve("system-prompts").toString())
            .replace("pricing.yaml", TestRuns.HOME.resolve("config/pricing.yaml").toString())
            .replace("licenses.yaml", TestRuns.HOME.resolve("config/licenses.yaml").toString());
    assertTrue(yaml.contains(from), from);
    Path cfg = dir.resolve("tiers.yaml");
    Files.writeString(cfg, yaml.replace(from, to));
    return cfg;
  }

  @Test
  void aTierOnTheBatchApiAnswersTheSameQuestions(@TempDir Path dir) throws Exception {
    Path cfg =
        variant(
            dir,
            "      max_tokens: 2048\n",
            "      max_tokens: 2048\n      mode: batch\n"
                + "      batch: {poll_seconds: 1, max_poll_seconds: 2}\n");
    Path out = dir.resolve("out");
    run("run", "--config", cfg.toString(), "--output", out.toString());
    JsonNode t2 = DatasetReader.manifest(out).at("/tiers/1");
    assertEquals("batch", t2.get("mode").asText(), t2.toString());
    assertEquals(27, t2.get("samples").asLong(), t2.toString());
    assertEquals(27, t2.at("/usage/requests").asLong(), t2.toString());
    long tier2 =
        DatasetReader.rows(out.resolve("data")).stream()
            .filter(r -> (Integer) r.get("tier") == 2)
            .count();
    assertEquals(27, tier2);
  }

  @Test
  void theEstimateGivesQuestionsAndCostPerTier(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    // Tier 2 named as a priced model (still the simulated teacher): its cost at gpt-4o's price.
    Path cfg = variant(dir, "model: orcaset-sim-large", "model: gpt-4o");
    String[] est = run("estimate", "--config", cfg.toString(), "--output", out.toString());
    JsonNode e = JSON.readTree(out.resolve("estimate.json").toFile());
    JsonNode tiers = e.get("tiers");
    assertEquals(2, tiers.size(), e.toString());
    assertEquals(e.get("questions").asLong(), tiers.get(0).get("questions").asLong());
    assertEquals(27, tiers.get(1).get("questions").asLong(), tiers.toString());
    assertEquals(10, tiers.get(1).at("/questions_by_source/NIv2").asLong(), tiers.toString());
    assertTrue(tiers.get(1).get("prompt_tokens").asLong() > 0);
    assertEquals(27L * 2048, tiers.get(1).get("completion_tokens_max").asLong());
    long prompt = tiers.get(1).get("prompt_tokens").asLong();
    double usd = (prompt * 2.50 + 27L * 2048 * 10.00) / 1e6;
    assertEquals(Math.round(usd * 1e4) / 1e4, tiers.get(1).get("cost_usd_max").asDouble(), 1e-9);
    assertEquals(0.0, tiers.get(0).get("cost_usd_max").asDouble(), "tier 1 is simulated: free");
    assertTrue(
        est[0].contains(
            String.format(
                java.util.Locale.ROOT,
                "tier 2         27 questions to simulated/gpt-4o (online) [CoT 5, Flan2021 6,"
                    + " NIv2 10, T0 6], about %d prompt + at most 55296 answer tokens; at most"
                    + " $%.2f online or $%.2f on the Batch API",
                prompt,
                usd,
                usd / 2)),
        est[0]);
  }
}
