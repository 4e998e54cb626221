package dev.orcaset.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orcaset.cost.Price;
import dev.orcaset.journal.JournalStats.RunUsage;

/**
 * The manifest's teacher usage as the journal saw it. The job's counters belong to the attempt that
 * finished: after a worker was lost and the job restarted, the answers the first attempt paid for
 * are in the journal (committed slices) but in no counter. The launcher reads the run's journal
 * entries once the job has ended and, when they are more, takes them for {@code teacher_usage} and
 * the cost, keeping the finishing attempt's figures beside them.
 */
final class PaidUsage {
  private PaidUsage() {}

  /**
   * Returns {@code manifest} with tier {@code n}'s entry in `tiers` (and tier 1's too, for {@code
   * n} = 1) taking its journal's figures where they exceed the counters'.
   */
  static JsonNode applyToTier(JsonNode manifest, int n, RunUsage paid, Price price) {
    if (manifest.path("tiers").isMissingNode()) {
      return manifest;
    }
    JsonNode tier = manifest.path("tiers").path(n - 1);
    long counted = tier.at("/usage/requests").asLong();
    if (!tier.isObject() || paid.requests() <= counted) {
      return manifest;
    }
    ObjectNode m = manifest.deepCopy();
    ObjectNode t = (ObjectNode) m.path("tiers").path(n - 1);
    fromJournal(t.with("usage"), paid, counted);
    if (price != null) {
      double usd = price.usd(paid.promptTokens(), paid.completionTokens());
      t.put("estimated_usd", Math.round(usd * 1e4) / 1e4);
    }
    return m;
  }

  /** Returns {@code manifest} with the journal's figures where they exceed the counters'. */
  static JsonNode apply(JsonNode manifest, RunUsage paid, Price price) {
    ObjectNode m = manifest.deepCopy();
    ObjectNode usage = m.with("teacher_usage");
    long counted = usage.path("requests").asLong();
    if (paid.requests() <= counted) {
      return manifest;
    }
    fromJournal(usage, paid, counted);
    if (price != null && m.path("cost").isObject()) {
      double usd = price.usd(paid.promptTokens(), paid.completionTokens());
      ((ObjectNode) m.path("cost")).put("estimated_usd", Math.round(usd * 1e4) / 1e4);
    }
    return m;
  }

  /** A usage block with the journal's figures, the finishing attempt's kept beside them. */
  private static void fromJournal(ObjectNode usage, RunUsage paid, long counted) {
    usage.set("finishing_attempt", usage.deepCopy());
    usage
        .put("requests", paid.requests())
        .put("http_attempts", Math.max(paid.httpAttempts(), usage.path("http_attempts").asLong()))
        .put("prompt_tokens", paid.promptTokens())
        .put("completion_tokens", paid.completionTokens())
        .put("paid_by_restarted_attempts", paid.requests() - counted)
        .put("source", "journal");
  }
}
