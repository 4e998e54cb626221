package dev.orcaset.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orcaset.config.OrcasetConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prints the end-of-run summary from the manifest, so what the user reads is what was written. */
final class Summary {
  private final PrintWriter out;

  Summary(PrintWriter out) {
    this.out = out;
  }

  /** Returns the exit code: 1 if the accounting does not add up (a bug worth stopping for). */
  int print(OrcasetConfig cfg, JsonNode m) {
    String dir = cfg.output().dir();
    JsonNode c = m.path("counts");
    out.printf("orcaset: wrote %d samples to %s/data%n", c.path("samples").asLong(), dir);
    out.printf(
        "  input records  %d = samples %d + rejected %d + failed %d + duplicates %d + filtered"
            + " %d%n",
        c.path("input_records").asLong(),
        c.path("samples").asLong(),
        c.path("rejected").asLong(),
        c.path("failed").asLong(),
        c.path("duplicates").asLong(),
        c.path("filtered").asLong());
    out.printf("  by submix      %s%n", pairs(m.path("samples_by_source")));
    out.printf("  by license     %s%n", pairs(m.path("samples_by_license")));
    out.printf("  commercial_use %s%n", pairs(m.path("samples_by_commercial_use")));
    out.printf(
        "  rejected       %d -> %s/rejected/  %s%n",
        c.path("rejected").asLong(), dir, pairs(m.path("rejected_by_reason")));
    out.printf(
        "  failed         %d -> %s/failed/  %s%n",
        c.path("failed").asLong(), dir, pairs(m.path("failed_by_reason")));
    out.printf(
        "  filtered       %d -> %s/filtered/  %s%n",
        c.path("duplicates").asLong() + c.path("filtered").asLong(),
        dir,
        pairs(m.path("dropped_by_reason")));
    JsonNode j = m.path("journal");
    out.printf(
        "  journal        %d answers and %d failures reused, %d questions sent (%s)%n",
        j.path("reused_answers").asLong(),
        j.path("reused_failures").asLong(),
        j.path("questions_sent").asLong(),
        j.path("dir").asText());
    JsonNode snap = m.path("snapshot");
    out.printf(
        "  vs previous    %d new rows, %d kept, %d dropped%n",
        snap.path("new_rows").asLong(),
        snap.path("kept_rows").asLong(),
        snap.path("dropped_rows").asLong());
    JsonNode u = m.path("teacher_usage");
    out.printf(
        "  teacher        %s/%s: %d requests, %d HTTP attempts, %d prompt + %d completion tokens%n",
        cfg.teacher().provider(),
        cfg.teacher().model(),
        u.path("requests").asLong(),
        u.path("http_attempts").asLong(),
        u.path("prompt_tokens").asLong(),
        u.path("completion_tokens").asLong());
    JsonNode usd = m.path("cost").path("estimated_usd");
    out.printf(
        "  cost           %s%n",
        usd.isNumber()
            ? String.format(
                "about $%.4f (prices as of %s%s)",
                usd.asDouble(),
                m.path("cost").path("price_as_of").asText(),
                batchPrices(m.path("cost")))
            : "unknown (no price for this model in the price list)");
    out.printf(
        "  manifest       %s/manifest.json (%.1f s)%n",
        dir, m.path("run").path("wall_seconds").asDouble());
    out.flush();
    if (!m.path("accounting").path("balanced").asBoolean()) {
      out.printf(
          "orcaset: ERROR: %d input records are not accounted for; please report this with the"
              + " manifest%n",
          m.path("accounting").path("unaccounted").asLong());
      out.flush();
      return 1;
    }
    return 0;
  }

  /** ", batch API prices" when the cost was priced for `teacher.mode: batch`. */
  private static String batchPrices(JsonNode cost) {
    return cost.path("price_source").asText("").contains("batch API") ? ", batch API prices" : "";
  }

  /** Prints what `estimate` found; always exit 0 (nothing was sent). */
  int printEstimate(OrcasetConfig cfg, JsonNode e) {
    out.printf(
        "orcaset estimate: %d questions would be sent to %s/%s%n",
        e.path("questions").asLong(), cfg.teacher().provider(), cfg.teacher().model());
    out.printf("  by submix      %s%n", pairs(e.path("questions_by_source")));
    out.printf(
        "  from journal   %d already answered (not sent, not billed)%n",
        e.path("reused_from_journal").asLong());
    out.printf(
        "  left out       rejected %d, duplicates %d, filtered %d (of %d input records)%n",
        e.path("rejected").asLong(),
        e.path("duplicates").asLong(),
        e.path("filtered").asLong(),
        e.path("input_records").asLong());
    out.printf(
        "  prompt tokens  about %d (characters / 4)%n", e.path("prompt_tokens_estimate").asLong());
    out.printf(
        "  answer tokens  at most %d (max_tokens %d each)%n",
        e.path("completion_tokens_max").asLong(), cfg.teacher().maxTokens());
    JsonNode cost = e.path("cost");
    out.printf(
        "  cost           %s%n",
        cost.path("prompt_usd").isNumber()
            ? String.format(
                "about $%.2f for prompts + at most $%.2f for answers (prices as of %s%s)",
                cost.path("prompt_usd").asDouble(),
                cost.path("completion_usd_max").asDouble(),
                cost.path("price_as_of").asText(),
                batchPrices(cost))
            : "unknown (no price for this model in the price list)");
    out.printf("  written to     %s/estimate.json%n", cfg.output().dir());
    out.flush();
    return 0;
  }

  private static String pairs(JsonNode obj) {
    List<String> parts = new ArrayList<>();
    obj.fields().forEachRemaining(e -> parts.add(e.getKey() + " " + e.getValue().asLong()));
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }
}
