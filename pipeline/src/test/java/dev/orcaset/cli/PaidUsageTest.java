package dev.orcaset.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orcaset.cost.Price;
import dev.orcaset.journal.JournalStats.RunUsage;
import org.junit.jupiter.api.Test;

class PaidUsageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Price PRICE = new Price("m", 1.0, 2.0, "test", "2026-12-01");

  private static JsonNode manifest() throws Exception {
    return JSON.readTree(
        "{\"teacher_usage\":{\"requests\":1000,\"http_attempts\":1010,\"prompt_tokens\":100000,"
            + "\"completion_tokens\":200000},\"cost\":{\"estimated_usd\":0.5}}");
  }

  @Test
  void aRestartedJob_countsWhatTheJournalSaw_andKeepsTheFinishingAttempt() throws Exception {
    JsonNode m = PaidUsage.apply(manifest(), new RunUsage(1100, 1115, 110000, 220000), PRICE);
    JsonNode u = m.path("teacher_usage");
    assertEquals(1100, u.path("requests").asLong());
    assertEquals(1115, u.path("http_attempts").asLong());
    assertEquals(110000, u.path("prompt_tokens").asLong());
    assertEquals(220000, u.path("completion_tokens").asLong());
    assertEquals(100, u.path("paid_by_restarted_attempts").asLong());
    assertEquals("journal", u.path("source").asText());
    assertEquals(1000, u.at("/finishing_attempt/requests").asLong());
    assertEquals(0.11 + 0.44, m.at("/cost/estimated_usd").asDouble(), 1e-9);
  }

  @Test
  void whenTheCountersSawEverything_theManifestIsUnchanged() throws Exception {
    JsonNode before = manifest();
    assertSame(before, PaidUsage.apply(before, new RunUsage(1000, 1010, 100000, 200000), PRICE));
    // requests the job gave up on (retries exhausted) are counted but not journaled
    assertSame(before, PaidUsage.apply(before, new RunUsage(990, 1000, 99000, 198000), PRICE));
  }

  @Test
  void aRestartedTier_countsWhatItsJournalSaw_atItsOwnPrice() throws Exception {
    JsonNode m =
        JSON.readTree(
            "{\"tiers\":[{\"tier\":1,\"usage\":{\"requests\":10}},"
                + "{\"tier\":2,\"usage\":{\"requests\":4,\"http_attempts\":4,"
                + "\"prompt_tokens\":400,\"completion_tokens\":800},\"estimated_usd\":0.002}]}");
    JsonNode after = PaidUsage.applyToTier(m, 2, new RunUsage(6, 7, 600, 1200), PRICE);
    JsonNode t = after.at("/tiers/1");
    assertEquals(6, t.at("/usage/requests").asLong());
    assertEquals(2, t.at("/usage/paid_by_restarted_attempts").asLong());
    assertEquals(4, t.at("/usage/finishing_attempt/requests").asLong());
    assertEquals((600 * 1.0 + 1200 * 2.0) / 1e6, t.get("estimated_usd").asDouble(), 1e-9);
    assertEquals(10, after.at("/tiers/0/usage/requests").asLong(), "tier 1 untouched");
    assertSame(m, PaidUsage.applyToTier(m, 2, new RunUsage(4, 4, 400, 800), PRICE));
  }
}
