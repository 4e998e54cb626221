package dev.orcaset.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orcaset.config.OrcasetConfig;
import dev.orcaset.config.TeacherConfig;
import dev.orcaset.cost.Price;
import dev.orcaset.report.Manifest;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Prints the end-of-run summary from the manifest, so what the user reads is what was written. */
final class Summary {
  private final PrintWriter out;

  Summary(PrintWriter out) {
    this.out = out;
  }

  /** Returns the exit code: 1 if the accounting does not add up (a bug worth stopping for). */
  int print(OrcasetConfig cfg, Manifest m) {
    String dir = cfg.output().dir();
    out.printf("orcaset: wrote %d samples to %s/data%n", m.count("samples"), dir);
    out.printf(
        "  input records  %d = samples %d + rejected %d + failed %d + duplicates %d + filtered"
            + " %d%n",
        m.count("input_records"),
        m.count("samples"),
        m.count("rejected"),
        m.count("failed"),
        m.count("duplicates"),
        m.count("filtered"));
    out.printf("  by submix      %s%n", pairs(m.group("samples_by_source")));
    out.printf("  by license     %s%n", pairs(m.group("samples_by_license")));
    out.printf("  commercial_use %s%n", pairs(m.group("samples_by_commercial_use")));
    out.printf(
        "  rejected       %d -> %s/rejected/  %s%n",
        m.count("rejected"), dir, pairs(m.group("rejected_by_reason")));
    out.printf(
        "  failed         %d -> %s/failed/  %s%n",
        m.count("failed"), dir, pairs(m.group("failed_by_reason")));
    out.printf(
        "  filtered       %d -> %s/filtered/  %s%n",
        m.count("duplicates") + m.count("filtered"), dir, pairs(m.group("dropped_by_reason")));
    for (String s : m.shortfalls()) {
      out.printf("  shortfall      %s%n", s);
    }
    out.printf("  cut off        %s%n", m.truncationNote());
    out.printf(
        "  journal        %d answers and %d failures reused, %d questions sent (%s)%n",
        m.figure("journal", "reused_answers"),
        m.figure("journal", "reused_failures"),
        m.figure("journal", "questions_sent"),
        m.journalDir());
    out.printf(
        "  vs previous    %d new rows, %d kept, %d dropped%n",
        m.figure("snapshot", "new_rows"),
        m.figure("snapshot", "kept_rows"),
        m.figure("snapshot", "dropped_rows"));
    out.printf(
        "  teacher        %s/%s: %d requests, %d HTTP attempts, %d prompt + %d completion tokens%n",
        cfg.teacher().provider(),
        cfg.teacher().model(),
        m.figure("teacher_usage", "requests"),
        m.figure("teacher_usage", "http_attempts"),
        m.figure("teacher_usage", "prompt_tokens"),
        m.figure("teacher_usage", "completion_tokens"));
    if (m.figure("teacher_usage", "reasoning_tokens") > 0) {
      out.printf(
          "                 of the completion tokens, %d were reasoning (billed as output)%n",
          m.figure("teacher_usage", "reasoning_tokens"));
    }
    JsonNode judge = m.json().path("judge");
    if (judge.path("enabled").asBoolean(false)) {
      out.printf(
          "  judge          %s/%s: %d rows judged, %d scored, %d dropped under %d; %d requests,"
              + " %d reused from its journal%s%n",
          judge.path("provider").asText(),
          judge.path("model").asText(),
          judge.path("judged").asLong(),
          judge.path("scored").asLong(),
          judge.path("below_min_score").asLong(),
          judge.path("min_score").asInt(),
          judge.at("/usage/requests").asLong(),
          judge.path("reused_from_journal").asLong(),
          judge.path("estimated_usd").isNumber()
              ? String.format(", about $%.4f", judge.path("estimated_usd").asDouble())
              : "");
    }
    for (JsonNode t : m.json().path("tiers")) {
      if (t.path("tier").asInt() > 1) {
        out.printf(
            "  tier %-9d %s/%s: %d questions, %d samples (mean %.1f completion tokens); %d"
                + " requests, %d reused from its journal%s%n",
            t.path("tier").asInt(),
            t.path("provider").asText(),
            t.path("model").asText(),
            t.path("questions").asLong(),
            t.path("samples").asLong(),
            t.path("mean_completion_tokens").asDouble(),
            t.at("/usage/requests").asLong(),
            t.at("/usage/reused_answers").asLong() + t.at("/usage/reused_failures").asLong(),
            t.path("estimated_usd").isNumber()
                ? String.format(", about $%.4f", t.path("estimated_usd").asDouble())
                : "");
      }
    }
    out.printf(
        "  cost           %s%n",
        m.costUsd()
            .map(
                usd ->
                    String.format(
                        "about $%.4f (prices as of %s%s)",
                        usd, m.priceAsOf(), m.batchPrices() ? ", batch API prices" : ""))
            .orElse("unknown (no price for this model in the price list)"));
    out.printf("  manifest       %s/manifest.json (%.1f s)%n", dir, m.wallSeconds());
    out.flush();
    if (!m.balanced()) {
      out.printf(
          "orcaset: ERROR: %d input records are not accounted for; please report this with the"
              + " manifest%n",
          m.unaccounted());
      out.flush();
      return 1;
    }
    return 0;
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
    for (String shortfall : new Manifest(e).shortfalls()) {
      out.printf("  shortfall      %s%n", shortfall);
    }
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
                cost.path("price_source").asText("").contains("batch API")
                    ? ", batch API prices"
                    : "")
            : "unknown (no price for this model in the price list)");
    if (cfg.teacher().isReasoningModel()) {
      out.printf(
          "  reasoning      within the answer tokens: the bound covers reasoning and answer%n");
    }
    JsonNode judge = e.path("judge");
    if (judge.isObject()) {
      out.printf(
          "  judge          at most %d grades by %s, %d prompt + %d answer tokens, %s%n",
          judge.path("grades_at_most").asLong(),
          judge.path("model").asText(),
          judge.path("prompt_tokens_max").asLong(),
          judge.path("completion_tokens_max").asLong(),
          judge.path("cost_usd_max").isNumber()
              ? String.format("at most $%.2f", judge.path("cost_usd_max").asDouble())
              : "cost unknown (no price for this model in the price list)");
    }
    for (JsonNode t : e.path("tiers")) {
      int n = t.path("tier").asInt();
      TeacherConfig teacher = cfg.teacherOfTier(n);
      out.printf(
          "  tier %-9d %d questions to %s/%s (%s)%s, about %d prompt + at most %d answer tokens;"
              + " %s%n",
          n,
          t.path("questions").asLong(),
          t.path("provider").asText(),
          t.path("model").asText(),
          t.path("mode").asText(),
          n == 1 ? "" : " [" + pairs(t.path("questions_by_source")) + "]",
          t.path("prompt_tokens").asLong(),
          t.path("completion_tokens_max").asLong(),
          onlineAndBatch(cfg, teacher, t));
    }
    out.printf("  written to     %s/estimate.json%n", cfg.output().dir());
    out.flush();
    return 0;
  }

  /** A tier's cost at most, online and on the Batch API, so the plan can choose its mode. */
  private static String onlineAndBatch(OrcasetConfig cfg, TeacherConfig teacher, JsonNode tier) {
    Optional<Price> online =
        RunCommand.price(cfg.pricing(), teacher.toBuilder().mode(TeacherConfig.ONLINE).build());
    Optional<Price> batch =
        RunCommand.price(cfg.pricing(), teacher.toBuilder().mode(TeacherConfig.BATCH).build());
    if (online.isEmpty() || batch.isEmpty()) {
      return "cost unknown (no price for this model in the price list)";
    }
    long prompt = tier.path("prompt_tokens").asLong();
    long completion = tier.path("completion_tokens_max").asLong();
    return String.format(
        Locale.ROOT,
        "at most $%.2f online or $%.2f on the Batch API",
        online.get().usd(prompt, completion),
        batch.get().usd(prompt, completion));
  }

  private static String pairs(List<Map.Entry<String, Long>> group) {
    List<String> parts = new ArrayList<>();
    group.forEach(e -> parts.add(e.getKey() + " " + e.getValue()));
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }

  private static String pairs(JsonNode obj) {
    List<String> parts = new ArrayList<>();
    obj.fields().forEachRemaining(e -> parts.add(e.getKey() + " " + e.getValue().asLong()));
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }
}
