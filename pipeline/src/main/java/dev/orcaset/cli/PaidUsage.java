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

  /** Returns {@code manifest} with the journal's figures where they exceed the counters'. */
  static JsonNode apply(JsonNode manifest, RunUsage paid, Price price) {
    ObjectNode m = manifest.deepCopy();
    ObjectNode usage = m.with("teacher_usage");
    long counted = usage.path("requests").asLong();
    if (paid.requests() <= counted) {
      return manifest;
    }
    usage.set("finishing_attempt", usage.deepCopy());
    usage
        .put("requests", paid.requests())
        .put("http_attempts", Math.max(paid.httpAttempts(), usage.path("http_attempts").asLong()))
        .put("prompt_tokens", paid.promptTokens())
        .put("completion_tokens", paid.completionTokens())
        .put("paid_by_restarted_attempts", paid.requests() - counted)
        .put("source", "journal");
    if (price != null && m.path("cost").isObject()) {
      double usd = price.usd(paid.promptTokens(), paid.completionTokens());
      ((ObjectNode) m.path("cost")).put("estimated_usd", Math.round(usd * 1e4) / 1e4);
    }
    return m;
  }
}
