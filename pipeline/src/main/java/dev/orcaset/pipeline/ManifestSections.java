package dev.orcaset.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orcaset.config.JudgeConfig;
import dev.orcaset.cost.Price;
import dev.orcaset.io.Json;
import dev.orcaset.license.SourceEntry;
import dev.orcaset.license.SourceLicense;
import dev.orcaset.model.DropReason;
import dev.orcaset.model.Submix;
import dev.orcaset.model.TargetCheck;
import dev.orcaset.pipeline.Tally.Measure;
import dev.orcaset.quality.QualityGates;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The manifest's descriptive sections, built from the tallies: what the card and `inspect` show.
 */
final class ManifestSections {
  private ManifestSections() {}

  /** The usage a model stage (a teacher tier, the judge) reports: what it was paid for. */
  static final List<String> PAID_FIELDS =
      List.of(
          "requests", "http_attempts", "prompt_tokens", "completion_tokens", "reasoning_tokens");

  /** A one-label measure as a JSON object: label → total. */
  static ObjectNode group(Tallies t, Measure m) {
    ObjectNode out = Json.mapper().createObjectNode();
    t.byLabel(m).forEach(out::put);
    return out;
  }

  /** A two-label measure as `{first: {second: total}}`. */
  static ObjectNode nested(Tallies t, Measure m) {
    ObjectNode out = Json.mapper().createObjectNode();
    t.byTwoLabels(m).forEach((first, inner) -> inner.forEach(out.putObject(first)::put));
    return out;
  }

  /** One entry per license verdict (tag, cleared, reasons), most rows first. */
  static ArrayNode licenses(Tallies t) {
    ArrayNode out = Json.mapper().createArrayNode();
    for (Map.Entry<List<String>, Long> e : t.entries(Measure.LICENSE_VERDICTS)) {
      List<String> v = e.getKey();
      ObjectNode verdict =
          out.addObject()
              .put("tag", v.get(0))
              .put("commercial_use", Boolean.parseBoolean(v.get(1)))
              .put("rows", e.getValue());
      ArrayNode reasons = verdict.putArray("reasons");
      v.subList(2, v.size()).forEach(reasons::add);
    }
    return out;
  }

  /**
   * Every source dataset with rows in the snapshot, most rows first: its licenses (name, use class,
   * URL), whether attribution or share-alike applies, and its rows, all and cleared.
   */
  static ArrayNode provenance(Tallies t, Map<String, SourceEntry> datasets) {
    Map<String, long[]> rows = new TreeMap<>();
    for (Map.Entry<List<String>, Long> e : t.entries(Measure.SAMPLES_BY_SOURCE_DATASET)) {
      long[] n = rows.computeIfAbsent(e.getKey().get(0), k -> new long[2]);
      n[0] += e.getValue();
      if (Boolean.parseBoolean(e.getKey().get(1))) {
        n[1] += e.getValue();
      }
    }
    List<Map.Entry<String, long[]>> ordered = new ArrayList<>(rows.entrySet());
    ordered.sort(Comparator.comparingLong(e -> -e.getValue()[0]));
    ArrayNode out = Json.mapper().createArrayNode();
    for (Map.Entry<String, long[]> e : ordered) {
      ObjectNode d = out.addObject().put("dataset_id", e.getKey());
      SourceEntry s = datasets.get(e.getKey());
      if (s != null) {
        d.put("dataset", s.dataset()).put("submix", s.submix()).put("tag", s.verdict().tag());
        d.put("use_class", s.useClass().code());
        d.put("attribution", s.attribution()).put("share_alike", s.shareAlike());
        ArrayNode licenses = d.putArray("licenses");
        for (SourceLicense l : s.licenses()) {
          ObjectNode ln = licenses.addObject().put("name", l.name());
          ln.put("use_class", l.useClass().code()).put("url", l.url());
        }
        d.put("source", s.verdict().source()).put("as_of", s.verdict().asOf());
      }
      d.put("rows", e.getValue()[0]).put("cleared_rows", e.getValue()[1]);
    }
    return out;
  }

  /**
   * How many rows got a source verdict someone reviewed (the audit, an override, a rule naming its
   * tasks), and the task names that fell to the catch-all, most rows first.
   */
  static ObjectNode sourceCoverage(Tallies t) {
    long samples = t.get(Measure.COUNTS, "samples");
    ObjectNode out = Json.mapper().createObjectNode();
    ArrayNode tasks = Json.mapper().createArrayNode();
    long unreviewed = 0;
    for (Map.Entry<List<String>, Long> e : t.entries(Measure.UNREVIEWED_SOURCE_TASKS)) {
      tasks.addObject().put("task_name", e.getKey().get(0)).put("rows", e.getValue());
      unreviewed += e.getValue();
    }
    out.put("rows", samples)
        .put("reviewed_rows", samples - unreviewed)
        .put("unreviewed_rows", unreviewed);
    out.set("unreviewed_tasks", tasks);
    return out;
  }

  /**
   * Per submix, every answered row (kept, or dropped by a gate) by its verdict against FLAN's
   * target, the share that could be checked, and the verdicts by comparator.
   */
  static ObjectNode targetChecks(Tallies t) {
    Map<String, long[]> bySource = new TreeMap<>();
    Map<String, Map<String, long[]>> byMethod = new TreeMap<>();
    for (Map.Entry<List<String>, Long> e : t.entries(Measure.TARGET_CHECKS)) {
      String source = e.getKey().get(0);
      int v = TargetCheck.Verdict.valueOf(e.getKey().get(1).toUpperCase(Locale.ROOT)).ordinal();
      bySource.computeIfAbsent(source, k -> new long[3])[v] += e.getValue();
      byMethod.computeIfAbsent(source, k -> new TreeMap<>())
              .computeIfAbsent(e.getKey().get(2), k -> new long[3])[v] +=
          e.getValue();
    }
    ObjectNode out = Json.mapper().createObjectNode();
    bySource.forEach(
        (source, n) -> {
          long answered = n[0] + n[1] + n[2];
          ObjectNode s = verdicts(out.putObject(source).put("answered", answered), n);
          s.put(
              "checked_share",
              answered == 0 ? 0 : Math.round((n[0] + n[1]) * 1000.0 / answered) / 1000.0);
          ObjectNode methods = s.putObject("by_method");
          byMethod.get(source).forEach((m, c) -> verdicts(methods.putObject(m), c));
        });
    return out;
  }

  private static ObjectNode verdicts(ObjectNode node, long[] n) {
    for (TargetCheck.Verdict v : TargetCheck.Verdict.values()) {
      node.put(v.wireName(), n[v.ordinal()]);
    }
    return node;
  }

  /**
   * Answers cut off at the token bound ({@code finish_reason} length), per submix, and what asking
   * only them again at twice the bound would cost at most (their prompts, and the whole new bound
   * for each answer): raising {@code max_tokens} re-asks just these.
   */
  static ObjectNode truncated(Tallies t, int maxTokens, Price price) {
    long rows = t.sum(Measure.TRUNCATED);
    long prompt = t.sum(Measure.TRUNCATED_PROMPT_TOKENS);
    long answered = t.sum(Measure.TARGET_CHECKS);
    ObjectNode out = Json.mapper().createObjectNode();
    out.put("rows", rows).put("answered", answered).put("max_tokens", maxTokens);
    out.set("by_source", group(t, Measure.TRUNCATED));
    int raised = Math.max(1, maxTokens) * 2;
    ObjectNode reask = out.putObject("reask").put("max_tokens", raised);
    reask.put("prompt_tokens", prompt).put("completion_tokens_max", rows * raised);
    if (price == null) {
      reask.putNull("cost_usd_max");
    } else {
      reask.put("cost_usd_max", Math.round(price.usd(prompt, rows * raised) * 1e4) / 1e4);
    }
    return out;
  }

  /** Reasons a record is left out before a quota takes its rows. */
  private static final Set<String> BEFORE_QUOTA =
      Set.of(
          DropReason.DUPLICATE_INPUT.wireName(),
          DropReason.NEAR_DUPLICATE_INPUT.wireName(),
          DropReason.SUBMIX_NOT_SAMPLED.wireName(),
          DropReason.TEMPLATE_TYPE_NOT_KEPT.wireName(),
          DropReason.TASK_EXCLUDED.wireName(),
          DropReason.TASK_NOT_INCLUDED.wireName());

  /**
   * The run against its recipe, per submix with rows: its quota met or not (from {@code quotas}),
   * how it was balanced and the largest task's share, and, per question type, each prompt's share
   * of the rows against the share the prompt index gives it, with the largest gap.
   */
  static ObjectNode recipe(
      Tallies t,
      JsonNode sampling,
      JsonNode quotas,
      Map<String, Map<String, Map<Integer, Double>>> expected) {
    ObjectNode out = Json.mapper().createObjectNode();
    ObjectNode tasks = tasks(t);
    Map<String, Map<String, Map<String, Long>>> actual = new TreeMap<>();
    for (Map.Entry<List<String>, Long> e : t.entries(Measure.SAMPLES_BY_SOURCE_TYPE_AND_PROMPT)) {
      List<String> l = e.getKey();
      actual
          .computeIfAbsent(l.get(0), k -> new TreeMap<>())
          .computeIfAbsent(l.get(1), k -> new TreeMap<>())
          .put(l.get(2), e.getValue());
    }
    for (Map.Entry<String, Map<String, Map<String, Long>>> s : actual.entrySet()) {
      String source = s.getKey();
      ObjectNode r = out.putObject(source);
      JsonNode quota = quotas.path(source);
      if (quota.isObject()) {
        r.putObject("quota")
            .put("wanted", quota.path("wanted").asLong())
            .put("taken", quota.path("taken").asLong())
            .put("met", quota.path("short_by").asLong() == 0);
      } else {
        r.putNull("quota");
      }
      JsonNode own = sampling.path("submixes").path(source).path("balance");
      r.put("balance", own.isTextual() ? own.asText() : sampling.path("balance").asText("record"));
      r.put("largest_task_share", tasks.path(source).path("largest_share").asDouble());
      ObjectNode prompts = r.putObject("prompts");
      for (Map.Entry<String, Map<String, Long>> type : s.getValue().entrySet()) {
        long rows = type.getValue().values().stream().mapToLong(Long::longValue).sum();
        Map<Integer, Double> want =
            expected.getOrDefault(source, Map.of()).getOrDefault(type.getKey(), Map.of());
        Set<Integer> ids = new TreeSet<>(want.keySet());
        type.getValue().keySet().forEach(id -> ids.add(Integer.parseInt(id)));
        ObjectNode byType = prompts.putObject(type.getKey()).put("rows", rows);
        ObjectNode byPrompt = byType.putObject("by_prompt");
        double gap = 0;
        for (int id : ids) {
          long n = type.getValue().getOrDefault(String.valueOf(id), 0L);
          double share = rows == 0 ? 0 : n / (double) rows;
          double wanted = want.getOrDefault(id, 0.0);
          gap = Math.max(gap, Math.abs(share - wanted));
          byPrompt
              .putObject(String.valueOf(id))
              .put("rows", n)
              .put("share", Math.round(share * 1000) / 1000.0)
              .put("index_share", Math.round(wanted * 1000) / 1000.0);
        }
        byType.put("largest_gap", Math.round(gap * 1000) / 1000.0);
      }
    }
    return out;
  }

  /**
   * The LLM judge: which model under which settings ({@code judge}, from the config), how many rows
   * it was asked about and scored per submix, the scores, how many rows its gate dropped, and what
   * it used and cost. Just {@code enabled: false} without a judge.
   */
  static ObjectNode judge(Tallies t, JsonNode judge, Price price) {
    ObjectNode out = Json.mapper().createObjectNode();
    boolean on = judge.path("enabled").asBoolean(false);
    out.put("enabled", on);
    if (!on) {
      return out;
    }
    out.put("provider", judge.at("/teacher/provider").asText())
        .put("model", judge.at("/teacher/model").asText())
        .put("rows", judge.path("rows").asText())
        .put("min_score", judge.path("min_score").asInt());
    long scored = 0;
    long unscored = 0;
    ObjectNode bySource = out.putObject("by_source");
    for (Map.Entry<String, Map<String, Long>> e : t.byTwoLabels(Measure.JUDGED).entrySet()) {
      long s = e.getValue().getOrDefault("scored", 0L);
      long u = e.getValue().getOrDefault("unscored", 0L);
      bySource.putObject(e.getKey()).put("judged", s + u).put("scored", s).put("unscored", u);
      scored += s;
      unscored += u;
    }
    out.put("judged", scored + unscored).put("scored", scored).put("unscored", unscored);
    out.put("below_min_score", t.get(Measure.DROPPED_BY_REASON, DropReason.JUDGE.wireName()));
    ObjectNode scores = out.putObject("scores");
    for (int n = JudgeConfig.MIN_SCORE; n <= JudgeConfig.MAX_SCORE; n++) {
      scores.put(String.valueOf(n), t.get(Measure.JUDGE_SCORES, String.valueOf(n)));
    }
    ObjectNode usage = out.putObject("usage");
    for (String k : PAID_FIELDS) {
      usage.put(k, t.get(Measure.JUDGE_USAGE, k));
    }
    out.put(
        "reused_from_journal",
        t.get(Measure.JUDGE_USAGE, "reused_answers")
            + t.get(Measure.JUDGE_USAGE, "reused_failures"));
    out.put("journal_dir", judge.path("journal_dir").asText());
    if (price == null) {
      out.putNull("estimated_usd");
    } else {
      double usd =
          price.usd(
              t.get(Measure.JUDGE_USAGE, "prompt_tokens"),
              t.get(Measure.JUDGE_USAGE, "completion_tokens"));
      out.put("estimated_usd", Math.round(usd * 1e4) / 1e4);
    }
    return out;
  }

  /**
   * Per submix with a quota: the rows wanted, the rows there were to take them from (after the
   * template filter and duplicates), and when those fall short, by how many and what was left out
   * before the quota (template types, duplicates, task filters); none when sampling is off. {@code
   * sampling} is the config's `sampling` section.
   */
  static ObjectNode quotas(Tallies t, JsonNode sampling) {
    return sampling.path("enabled").asBoolean(true)
        ? quotasOf(t, sampling.path("submixes"))
        : Json.mapper().createObjectNode();
  }

  private static ObjectNode quotasOf(Tallies t, JsonNode submixes) {
    ObjectNode out = Json.mapper().createObjectNode();
    Map<String, Map<String, Long>> dropped = t.byTwoLabels(Measure.DROPPED_BY_SOURCE_AND_REASON);
    for (Map.Entry<String, JsonNode> e : submixes.properties()) {
      JsonNode cap = e.getValue().path("max_rows");
      Submix submix = Submix.fromConfigName(e.getKey());
      if (!cap.isNumber() || cap.asLong() == 0 || submix == null) {
        continue;
      }
      String source = submix.configName();
      Map<String, Long> left = dropped.getOrDefault(source, Map.of());
      // Every row that reached the quota, taken or not: all the submix's outcomes but those
      // decided before it.
      long available =
          t.get(Measure.SAMPLES_BY_SOURCE, source) + t.get(Measure.FAILED_BY_SOURCE, source);
      for (Map.Entry<String, Long> d : left.entrySet()) {
        available += BEFORE_QUOTA.contains(d.getKey()) ? 0 : d.getValue();
      }
      long overQuota = left.getOrDefault(DropReason.OVER_QUOTA.wireName(), 0L);
      long wanted = cap.asLong();
      ObjectNode q =
          out.putObject(source)
              .put("wanted", wanted)
              .put("available", available)
              .put("taken", available - overQuota)
              .put("short_by", Math.max(0, wanted - available));
      ObjectNode why = q.putObject("left_out_before");
      for (String reason : BEFORE_QUOTA) {
        long n = left.getOrDefault(reason, 0L);
        if (n > 0) {
          why.put(reason, n);
        }
      }
    }
    return out;
  }

  /**
   * The teacher tiers, Orca's progressive learning, one entry per tier (none with one teacher): its
   * teacher and mode, per submix the questions it was asked (wanted, from its quota) and what
   * became of them, its answers' mean length, and what it used and cost at its own price. {@code
   * config} is the run's config; tier 1's usage is {@code teacher_usage}'s.
   */
  static ArrayNode tiers(Tallies t, JsonNode config, RunInfo info) {
    ArrayNode out = Json.mapper().createArrayNode();
    JsonNode later = config.path("tiers");
    if (!later.isArray() || later.isEmpty()) {
      return out;
    }
    Map<String, Map<String, Long>> rows = new TreeMap<>();
    for (Map.Entry<List<String>, Long> e : t.entries(Measure.TIER_ROWS)) {
      List<String> l = e.getKey();
      rows.computeIfAbsent(l.get(0) + "\u0000" + l.get(1), k -> new TreeMap<>())
          .put(l.get(2), e.getValue());
    }
    for (int n = 1; n <= later.size() + 1; n++) {
      JsonNode teacher = n == 1 ? config.path("teacher") : later.get(n - 2).path("teacher");
      ObjectNode tier =
          out.addObject()
              .put("tier", n)
              .put("provider", teacher.path("provider").asText())
              .put("model", teacher.path("model").asText())
              .put("mode", teacher.path("mode").asText("online"));
      ObjectNode bySource = tier.putObject("by_source");
      long questions = 0;
      long samples = 0;
      long completion = 0;
      for (Submix s : Submix.values()) {
        String source = s.configName();
        Map<String, Long> r = rows.getOrDefault(n + "\u0000" + source, Map.of());
        JsonNode wanted =
            n == 1
                ? config.at("/sampling/submixes").path(source).path("max_rows")
                : later.get(n - 2).path("quotas").path(source);
        long asked = r.values().stream().mapToLong(Long::longValue).sum();
        if (asked == 0 && wanted.asLong(0) == 0) {
          continue;
        }
        ObjectNode src = bySource.putObject(source);
        if (wanted.isNumber()) {
          src.put("wanted", wanted.asLong());
        }
        src.put("questions", asked)
            .put("samples", r.getOrDefault("samples", 0L))
            .put("filtered", r.getOrDefault("filtered", 0L))
            .put("failed", r.getOrDefault("failed", 0L));
        questions += asked;
        samples += r.getOrDefault("samples", 0L);
        completion += t.get(Measure.TIER_COMPLETION_TOKENS, String.valueOf(n), source);
      }
      tier.put("questions", questions).put("samples", samples);
      tier.put(
          "mean_completion_tokens",
          samples == 0 ? 0 : Math.round(completion * 10.0 / samples) / 10.0);
      ObjectNode usage = tier.putObject("usage");
      List<String> fields = new ArrayList<>(PAID_FIELDS);
      fields.addAll(List.of("reused_answers", "reused_failures"));
      for (String k : fields) {
        usage.put(
            k,
            n == 1
                ? t.get(Measure.TEACHER_USAGE, k)
                : t.get(Measure.TIER_USAGE, String.valueOf(n), k));
      }
      tier.put(
          "journal_dir",
          n == 1 ? info.journalDir() : later.get(n - 2).path("journal_dir").asText());
      Price price = info.priceOfTier(n);
      if (price == null) {
        tier.putNull("estimated_usd");
      } else {
        double usd =
            price.usd(
                usage.path("prompt_tokens").asLong(), usage.path("completion_tokens").asLong());
        tier.put("estimated_usd", Math.round(usd * 1e4) / 1e4);
      }
    }
    return out;
  }

  /** How many tasks of the largest and smallest a submix's section lists. */
  static final int TASKS_LISTED = 20;

  /**
   * Per submix: how many tasks its rows come from, the largest task and its share of the rows, and
   * the {@value #TASKS_LISTED} tasks with the most rows and (of the others) with the fewest.
   */
  static ObjectNode tasks(Tallies t) {
    ObjectNode out = Json.mapper().createObjectNode();
    t.byTwoLabels(Measure.SAMPLES_BY_TASK)
        .forEach(
            (source, byTask) -> {
              List<Map.Entry<String, Long>> ordered = new ArrayList<>(byTask.entrySet());
              ordered.sort(
                  Comparator.comparingLong((Map.Entry<String, Long> e) -> -e.getValue())
                      .thenComparing(Map.Entry::getKey));
              long rows = ordered.stream().mapToLong(Map.Entry::getValue).sum();
              ObjectNode s = out.putObject(source).put("tasks", ordered.size()).put("rows", rows);
              s.put("largest_task", ordered.get(0).getKey());
              s.put(
                  "largest_share", Math.round(ordered.get(0).getValue() * 1000.0 / rows) / 1000.0);
              ArrayNode top = s.putArray("most_rows");
              ordered.stream()
                  .limit(TASKS_LISTED)
                  .forEach(e -> top.addObject().put("task", e.getKey()).put("rows", e.getValue()));
              ArrayNode bottom = s.putArray("fewest_rows");
              // Disjoint from the first list: a submix of few tasks lists each once.
              int from =
                  Math.max(Math.min(TASKS_LISTED, ordered.size()), ordered.size() - TASKS_LISTED);
              ordered.subList(from, ordered.size()).stream()
                  .sorted(Comparator.comparingLong(Map.Entry::getValue))
                  .forEach(
                      e -> bottom.addObject().put("task", e.getKey()).put("rows", e.getValue()));
            });
    return out;
  }

  /** Every gate, whether it ran and how many rows it dropped. */
  static ArrayNode qualityGates(List<QualityGates.Gate> gates, Tallies t) {
    ArrayNode out = Json.mapper().createArrayNode();
    for (QualityGates.Gate g : gates) {
      out.addObject()
          .put("rule", g.rule())
          .put("enabled", g.enabled())
          .put("drops", g.drops())
          .put("filtered", t.get(Measure.DROPPED_BY_REASON, g.rule()));
    }
    return out;
  }

  /** Per submix: rows, token sums, mean and longest answer, and the completion-token histogram. */
  static ObjectNode tokens(Tallies t) {
    ObjectNode out = Json.mapper().createObjectNode();
    Map<String, Map<String, Long>> histograms = t.byTwoLabels(Measure.TOKENS_HISTOGRAM);
    t.byLabel(Measure.SAMPLES_BY_SOURCE)
        .forEach(
            (source, rows) -> {
              long completion = t.get(Measure.TOKENS_COMPLETION, source);
              ObjectNode s =
                  out.putObject(source)
                      .put("rows", rows)
                      .put("prompt_tokens", t.get(Measure.TOKENS_PROMPT, source))
                      .put("completion_tokens", completion)
                      .put(
                          "mean_completion_tokens",
                          rows == 0 ? 0 : Math.round(completion * 10.0 / rows) / 10.0)
                      .put("max_completion_tokens", t.get(Measure.TOKENS_MAX, source));
              Map<String, Long> bins = histograms.getOrDefault(source, Map.of());
              long last = bins.keySet().stream().mapToLong(Long::parseLong).max().orElse(0);
              ArrayNode histogram = s.putArray("completion_histogram");
              long[] edges = CountOutcomes.TOKEN_BINS;
              // Every bin from 0 to the one past the last filled, empty ones included: the
              // chart's x axis.
              for (int i = 0; i < edges.length && (i == 0 || edges[i - 1] <= last); i++) {
                ObjectNode bin = histogram.addObject().put("from", edges[i]);
                if (i + 1 < edges.length) {
                  bin.put("below", edges[i + 1]);
                }
                bin.put("rows", bins.getOrDefault(String.valueOf(edges[i]), 0L));
              }
            });
    return out;
  }

  /** The prompt set: each prompt's id, file and rows. */
  static ArrayNode systemPrompts(Map<Integer, String> files, Tallies t) {
    ArrayNode out = Json.mapper().createArrayNode();
    files.forEach(
        (id, file) ->
            out.addObject()
                .put("id", id)
                .put("file", file)
                .put("rows", t.get(Measure.SAMPLES_BY_SYSTEM_PROMPT, String.valueOf(id))));
    return out;
  }
}
