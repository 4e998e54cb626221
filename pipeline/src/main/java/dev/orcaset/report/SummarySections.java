package dev.orcaset.report;

import static dev.orcaset.report.Manifest.number;
import static dev.orcaset.report.Manifest.percent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orcaset.model.ChatRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The summary every view shows, section by section, from a manifest. */
public final class SummarySections {
  private SummarySections() {}

  public static List<Section> of(Manifest m) {
    List<Section> all =
        new ArrayList<>(
            List.of(
                overview(m),
                howMade(m),
                licenses(m),
                provenance(m),
                composition(m),
                quotas(m),
                tasks(m),
                recipe(m),
                tokens(m),
                qualityGates(m),
                targetChecks(m)));
    if (m.json().at("/judge/enabled").asBoolean(false)) {
      all.add(judge(m));
    }
    if (m.json().path("tiers").size() > 1) {
      all.add(tiers(m));
    }
    all.add(leftOut(m));
    return List.copyOf(all);
  }

  static Section overview(Manifest m) {
    long samples = m.count("samples");
    JsonNode t = m.config("teacher");
    List<String> p =
        List.of(
            number(samples)
                + " explained answers by "
                + t.path("provider").asText()
                + "/"
                + t.path("model").asText()
                + " to FLAN v2 questions, each paired with an Orca-style system prompt.",
            number(m.commercialRows())
                + " rows ("
                + percent(m.commercialRows(), samples)
                + ") are cleared for training commercial models (`commercial_use = true`); the"
                + " others say why not in `license_reasons`.",
            "Every input is accounted for: "
                + (m.json().path("accounting").path("balanced").asBoolean()
                    ? "the outcomes below add up to the input records."
                    : "the outcomes below do NOT add up to the input records; see manifest.json."));
    List<List<String>> rows = new ArrayList<>();
    for (String outcome :
        List.of("input_records", "samples", "filtered", "duplicates", "failed", "rejected")) {
      rows.add(List.of(outcome, number(m.count(outcome))));
    }
    return new Section(
        "Overview", p, List.of(new Table(List.of("outcome", "rows"), rows, List.of(false, true))));
  }

  static Section howMade(Manifest m) {
    JsonNode t = m.config("teacher");
    JsonNode s = m.config("sampling");
    JsonNode v = m.json().path("versions");
    List<String> p = new ArrayList<>();
    p.add("Inputs: " + join(m.config("input").path("paths")) + ".");
    p.add(
        "Sampling: seed "
            + s.path("seed").asText()
            + (s.path("enabled").asBoolean(true)
                ? ", per-submix quotas and template types below."
                : ", sampling off (every valid input)."));
    p.add(
        "System prompts: "
            + m.json().path("system_prompts").size()
            + " prompts from `"
            + m.config("prompts").path("dir").asText()
            + "`, version `"
            + v.path("system_prompts").asText()
            + "`. `system_prompt` is the one that produced the answer; `training_system_prompt`"
            + " is "
            + (m.config("prompts").path("training_system_prompt").asText("").isEmpty()
                ? "empty"
                : "`" + m.config("prompts").path("training_system_prompt").asText() + "`")
            + ", the generic prompt of the erased view (Orca 2's prompt erasure; `orcaset export"
            + " --erase-prompts` writes it).");
    p.add(
        "License policy version `"
            + v.path("license_policy").asText()
            + "` ("
            + m.config("license").path("policy").asText()
            + ").");
    JsonNode cost = m.json().path("cost");
    p.add(
        "Run `"
            + m.json().path("run").path("id").asText()
            + "` of orcaset "
            + m.json().path("tool").path("version").asText()
            + ", finished "
            + m.json().path("run").path("finished_at").asText()
            + "; estimated teacher cost "
            + (cost.path("estimated_usd").isNumber()
                ? String.format(
                    Locale.ROOT,
                    "$%.4f (prices: %s, as of %s)",
                    cost.get("estimated_usd").asDouble(),
                    cost.path("price_source").asText(),
                    cost.path("price_as_of").asText())
                : "unknown (" + cost.path("note").asText() + ")")
            + ".");
    List<List<String>> quotas = new ArrayList<>();
    s.path("submixes")
        .fields()
        .forEachRemaining(
            e ->
                quotas.add(
                    List.of(
                        e.getKey(),
                        e.getValue().path("max_rows").isNull()
                            ? "no cap"
                            : number(e.getValue().path("max_rows").asLong()),
                        e.getValue().path("template_types").isEmpty()
                            ? "all"
                            : join(e.getValue().path("template_types")))));
    List<List<String>> teacher = new ArrayList<>();
    teacher.add(List.of("provider", t.path("provider").asText()));
    teacher.add(List.of("model", t.path("model").asText()));
    teacher.add(
        List.of(
            "mode",
            t.path("mode").asText("online")
                + ("batch".equals(t.path("mode").asText()) ? " (provider batch API)" : "")));
    if (!t.path("simulated").asBoolean()) {
      teacher.add(List.of("base_url", t.path("base_url").asText()));
    }
    // What was sent: a reasoning model gets no sampling parameters and its own token bound.
    boolean reasoning = t.path("reasoning_model").asBoolean();
    List<String> sent =
        reasoning
            ? List.of("max_tokens", "reasoning_effort", "seed")
            : List.of("temperature", "top_p", "max_tokens", "seed");
    // Claude's extended thinking keeps max_tokens and adds a thinking budget.
    boolean claude = "anthropic".equals(t.path("provider").asText());
    for (String k : sent) {
      teacher.add(
          List.of(
              reasoning && k.equals("max_tokens") && !claude ? "max_completion_tokens" : k,
              t.path(k).isNull() || t.path(k).isMissingNode()
                  ? "server default"
                  : t.path(k).asText()));
    }
    if (reasoning && claude) {
      teacher.add(
          List.of(
              "thinking.budget_tokens",
              String.valueOf(
                  ChatRequest.thinkingBudget(
                      t.path("max_tokens").asInt(), t.path("reasoning_effort").asText(null)))));
    }
    return new Section(
        "How it was made",
        p,
        List.of(
            new Table(
                List.of("submix", "max rows", "template types"),
                quotas,
                List.of(false, true, false)),
            new Table(List.of("teacher parameter", "value"), teacher, List.of(false, false))));
  }

  static Section licenses(Manifest m) {
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode l : m.json().path("licenses")) {
      List<String> reasons = new ArrayList<>();
      l.path("reasons").forEach(r -> reasons.add(r.asText()));
      rows.add(
          List.of(
              l.path("tag").asText(),
              l.path("commercial_use").asText(),
              number(l.path("rows").asLong()),
              String.join(" / ", reasons)));
    }
    List<String> p = new ArrayList<>();
    p.add(
        "Each row's `license_tag` is the more restrictive of the teacher's terms and the source"
            + " dataset's license; `commercial_use` is true only when both clear it.");
    JsonNode coverage = m.json().path("source_coverage");
    if (!coverage.isMissingNode()) {
      long all = coverage.path("rows").asLong();
      StringBuilder c =
          new StringBuilder(
              number(coverage.path("reviewed_rows").asLong())
                  + " of "
                  + number(all)
                  + " rows ("
                  + percent(coverage.path("reviewed_rows").asLong(), all)
                  + ") have a reviewed source license (the Data Provenance audit, an override,"
                  + " or a rule naming the task).");
      JsonNode tasks = coverage.path("unreviewed_tasks");
      if (tasks.size() > 0) {
        c.append(" Task names no review covers, so not cleared, most rows first: ");
        for (int i = 0; i < Math.min(10, tasks.size()); i++) {
          JsonNode tn = tasks.get(i);
          c.append(i == 0 ? "" : ", ")
              .append('`')
              .append(tn.path("task_name").asText())
              .append("` (")
              .append(number(tn.path("rows").asLong()))
              .append(')');
        }
        if (tasks.size() > 10) {
          c.append(" and ").append(tasks.size() - 10).append(" more (manifest.json lists all)");
        }
        c.append('.');
      }
      p.add(c.toString());
    }
    p.add("Rows per verdict:");
    return new Section(
        "License",
        p,
        List.of(
            new Table(
                List.of("license_tag", "commercial_use", "rows", "reasons"),
                rows,
                List.of(false, false, true, false))));
  }

  /**
   * Every source dataset in the snapshot with its license, where the license is written, whether
   * attribution or share-alike applies, and its rows: what a team that publishes the data or a
   * model must credit.
   */
  static Section provenance(Manifest m) {
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode d : m.json().path("provenance")) {
      List<String> licenses = new ArrayList<>();
      for (JsonNode l : d.path("licenses")) {
        licenses.add(
            l.path("name").asText()
                + (l.path("url").isTextual() ? " <" + l.path("url").asText() + ">" : ""));
      }
      rows.add(
          List.of(
              d.path("dataset").asText(d.path("dataset_id").asText()),
              d.path("submix").asText(""),
              licenses.isEmpty() ? "-" : String.join("; ", licenses),
              d.path("use_class").asText(""),
              yesNo(d.path("attribution")),
              yesNo(d.path("share_alike")),
              number(d.path("rows").asLong()),
              number(d.path("cleared_rows").asLong())));
    }
    return new Section(
        "Source datasets and attribution",
        List.of(
            rows.isEmpty()
                ? "No row's task is listed by the Data Provenance audit of the Flan Collection."
                : "The FLAN source datasets behind this snapshot's rows, with their licenses as"
                    + " the Data Provenance Initiative's audit of the Flan Collection records them."
                    + " Where attribution applies, credit the dataset; where share-alike applies,"
                    + " share adaptations of it under the same license. Each row names its"
                    + " dataset in `source_dataset`."),
        rows.isEmpty()
            ? List.of()
            : List.of(
                new Table(
                    List.of(
                        "dataset",
                        "submix",
                        "license",
                        "class",
                        "attribution",
                        "share-alike",
                        "rows",
                        "cleared"),
                    rows,
                    List.of(false, false, false, false, false, false, true, true))));
  }

  private static String yesNo(JsonNode flag) {
    return flag.isBoolean() ? (flag.asBoolean() ? "yes" : "no") : "-";
  }

  static Section composition(Manifest m) {
    long samples = m.count("samples");
    List<List<String>> bySource = new ArrayList<>();
    for (Map.Entry<String, Long> e : m.group("samples_by_source")) {
      long cleared =
          m.json()
              .path("samples_by_source_and_commercial_use")
              .path(e.getKey())
              .path("true")
              .asLong();
      bySource.add(
          List.of(
              e.getKey(),
              number(e.getValue()),
              percent(e.getValue(), samples),
              number(cleared),
              percent(cleared, e.getValue())));
    }
    List<List<String>> byPrompt = new ArrayList<>();
    for (JsonNode sp : m.json().path("system_prompts")) {
      StringBuilder perSubmix = new StringBuilder();
      m.json()
          .path("samples_by_source_and_prompt")
          .fields()
          .forEachRemaining(
              e -> {
                long n = e.getValue().path(sp.path("id").asText()).asLong();
                if (n > 0) {
                  perSubmix
                      .append(perSubmix.length() == 0 ? "" : ", ")
                      .append(e.getKey())
                      .append(' ')
                      .append(number(n));
                }
              });
      byPrompt.add(
          List.of(
              sp.path("id").asText(),
              sp.path("file").asText(),
              number(sp.path("rows").asLong()),
              perSubmix.length() == 0 ? "-" : perSubmix.toString()));
    }
    return new Section(
        "Rows per submix and system prompt",
        List.of(),
        List.of(
            new Table(
                List.of("submix", "rows", "share", "cleared", "cleared share"),
                bySource,
                List.of(false, true, true, true, true)),
            new Table(
                List.of("prompt", "file", "rows", "by submix"),
                byPrompt,
                List.of(true, false, true, false))));
  }

  static Section tokens(Manifest m) {
    List<List<String>> rows = new ArrayList<>();
    m.json()
        .path("tokens")
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode s = e.getValue();
              long n = Math.max(1, s.path("rows").asLong());
              rows.add(
                  List.of(
                      e.getKey(),
                      number(s.path("rows").asLong()),
                      number(Math.round(s.path("prompt_tokens").asDouble() / n)),
                      String.format(
                          Locale.ROOT, "%.1f", s.path("mean_completion_tokens").asDouble()),
                      "≤ "
                          + number(
                              Manifest.quantileUpperBound(s.path("completion_histogram"), 0.5)),
                      "≤ "
                          + number(
                              Manifest.quantileUpperBound(s.path("completion_histogram"), 0.9)),
                      number(s.path("max_completion_tokens").asLong())));
            });
    return new Section(
        "Token statistics",
        List.of(
            "Tokens as the teacher counted them (`usage`). Medians and 90th percentiles are read"
                + " off the histogram, so they are upper bounds."),
        List.of(
            new Table(
                List.of(
                    "submix",
                    "rows",
                    "mean prompt",
                    "mean answer",
                    "median answer",
                    "p90 answer",
                    "longest answer"),
                rows,
                List.of(false, true, true, true, true, true, true))));
  }

  /** Each quota against the rows there were to fill it, and what was left out before it. */
  static Section quotas(Manifest m) {
    List<List<String>> rows = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : m.json().path("quotas").properties()) {
      JsonNode q = e.getValue();
      List<String> why = Manifest.leftOutBefore(q);
      rows.add(
          List.of(
              e.getKey(),
              number(q.path("wanted").asLong()),
              number(q.path("available").asLong()),
              number(q.path("taken").asLong()),
              number(q.path("short_by").asLong()),
              why.isEmpty() ? "-" : String.join(", ", why)));
    }
    List<String> shortfalls = m.shortfalls();
    return new Section(
        "Quotas",
        List.of(
            shortfalls.isEmpty()
                ? "Every quota had enough eligible rows."
                : "Quotas the eligible rows could not fill: " + String.join("; ", shortfalls) + ".",
            "Eligible rows are those of the submix left after the template filter and duplicates;"
                + " the quota takes its rows from them before the teacher is asked."),
        List.of(
            new Table(
                List.of("submix", "wanted", "eligible", "taken", "short by", "left out before"),
                rows,
                List.of(false, true, true, true, true, false))));
  }

  /**
   * How evenly each submix's rows spread over its tasks (a task-balanced quota gives every task the
   * same share as far as it has rows), with the tasks of most and fewest rows.
   */
  static Section tasks(Manifest m) {
    List<List<String>> summary = new ArrayList<>();
    List<List<String>> listed = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : m.json().path("tasks").properties()) {
      JsonNode s = e.getValue();
      String balance =
          m.config("sampling").path("submixes").path(e.getKey()).path("balance").asText("");
      summary.add(
          List.of(
              e.getKey(),
              balance.isEmpty() ? m.config("sampling").path("balance").asText("record") : balance,
              number(s.path("tasks").asLong()),
              s.path("largest_task").asText(),
              String.format(Locale.ROOT, "%.1f%%", s.path("largest_share").asDouble() * 100)));
      for (String list : List.of("most_rows", "fewest_rows")) {
        for (JsonNode t : s.path(list)) {
          listed.add(
              List.of(
                  e.getKey(),
                  list.equals("most_rows") ? "most" : "fewest",
                  t.path("task").asText(),
                  number(t.path("rows").asLong())));
        }
      }
    }
    return new Section(
        "Tasks",
        List.of(
            "Rows per FLAN task in each submix. With `balance: task` a quota gives every task the"
                + " same share as far as it has rows (the Orca paper's stratified sampling); with"
                + " `record` a task's rows are sampled in proportion to its size."),
        List.of(
            new Table(
                List.of("submix", "balance", "tasks", "largest task", "its share"),
                summary,
                List.of(false, false, true, false, true)),
            new Table(
                List.of("submix", "tasks with the", "task", "rows"),
                listed,
                List.of(false, false, false, true))));
  }

  static Section qualityGates(Manifest m) {
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode g : m.json().path("quality_gates")) {
      rows.add(
          List.of(
              g.path("rule").asText(),
              g.path("enabled").asBoolean() ? "on" : "off",
              g.path("drops").asText(),
              number(g.path("filtered").asLong())));
    }
    return new Section(
        "Quality gates",
        List.of(
            "Answers that fail a gate are not in the data; they are kept whole in `filtered/` with"
                + " the rule that dropped them.",
            "Cut off: " + m.truncationNote() + "."),
        List.of(
            new Table(
                List.of("rule", "state", "drops", "rows dropped"),
                rows,
                List.of(false, false, false, true))));
  }

  /**
   * Answers checked against FLAN's own targets, per submix: the verified, mismatched and unchecked
   * counts over every answered row, and the same by comparator.
   */
  static Section targetChecks(Manifest m) {
    List<List<String>> rows = new ArrayList<>();
    List<List<String>> methods = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : m.json().path("target_checks").properties()) {
      JsonNode s = e.getValue();
      long checked = s.path("match").asLong() + s.path("mismatch").asLong();
      rows.add(
          List.of(
              e.getKey(),
              number(s.path("answered").asLong()),
              number(s.path("match").asLong()),
              number(s.path("mismatch").asLong()),
              number(s.path("unchecked").asLong()),
              percent(checked, s.path("answered").asLong())));
      for (Map.Entry<String, JsonNode> method : s.path("by_method").properties()) {
        JsonNode c = method.getValue();
        methods.add(
            List.of(
                e.getKey(),
                method.getKey(),
                number(c.path("match").asLong()),
                number(c.path("mismatch").asLong()),
                number(c.path("unchecked").asLong())));
      }
    }
    boolean gate = false;
    for (JsonNode g : m.json().path("quality_gates")) {
      gate |= g.path("rule").asText().equals("wrong_answer") && g.path("enabled").asBoolean();
    }
    return new Section(
        "Answers against FLAN's targets",
        List.of(
            "Each answered row's final answer is compared with FLAN's target (`target_check`,"
                + " `target_check_method`): an option the question lists, a yes/no or NLI label, a"
                + " number, or a short span; other targets (summaries, translations) are not"
                + " checked. "
                + (gate
                    ? "Mismatched answers are dropped by the `wrong_answer` gate."
                    : "The `wrong_answer` gate is off: mismatched answers are in the data."),
            "Counts are of every answered row, kept or dropped by a gate."),
        List.of(
            new Table(
                List.of("submix", "answered", "verified", "mismatched", "unchecked", "checked"),
                rows,
                List.of(false, true, true, true, true, true)),
            new Table(
                List.of("submix", "comparator", "verified", "mismatched", "unchecked"),
                methods,
                List.of(false, false, true, true, true))));
  }

  /**
   * The run against its recipe: per submix, whether its quota was met, how it was balanced and the
   * largest task's share; per submix and question type, each prompt's share of the rows beside the
   * share the prompt index gives it.
   */
  static Section recipe(Manifest m) {
    List<List<String>> submixes = new ArrayList<>();
    List<List<String>> prompts = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : m.json().path("recipe").properties()) {
      JsonNode r = e.getValue();
      JsonNode q = r.path("quota");
      double gap = 0;
      for (Map.Entry<String, JsonNode> type : r.path("prompts").properties()) {
        gap = Math.max(gap, type.getValue().path("largest_gap").asDouble());
        List<String> mix = new ArrayList<>();
        for (Map.Entry<String, JsonNode> p : type.getValue().path("by_prompt").properties()) {
          mix.add(
              p.getKey()
                  + ": "
                  + Math.round(p.getValue().path("share").asDouble() * 100)
                  + "% ("
                  + Math.round(p.getValue().path("index_share").asDouble() * 100)
                  + "%)");
        }
        prompts.add(
            List.of(
                e.getKey(),
                type.getKey(),
                number(type.getValue().path("rows").asLong()),
                String.join(", ", mix)));
      }
      submixes.add(
          List.of(
              e.getKey(),
              q.isObject()
                  ? number(q.path("taken").asLong()) + " of " + number(q.path("wanted").asLong())
                  : "no quota",
              q.isObject() ? (q.path("met").asBoolean() ? "yes" : "no") : "-",
              r.path("balance").asText(),
              Math.round(r.path("largest_task_share").asDouble() * 1000) / 10.0 + "%",
              Math.round(gap * 1000) / 10.0 + " points"));
    }
    return new Section(
        "Recipe",
        List.of(
            "How the run follows its recipe: each submix's quota, how its rows were spread over"
                + " tasks (`balance: task` is Orca's stratified sampling), and how the system"
                + " prompts were shared out against the prompt index's weights (for each question"
                + " type, a prompt's share of the rows, and in brackets the share its weight gives"
                + " it among the prompts that suit the type). A large gap on a small submix is"
                + " chance; on a large one it means the index is not what was run."),
        List.of(
            new Table(
                List.of("submix", "quota", "met", "balance", "largest task", "largest prompt gap"),
                submixes,
                List.of(false, true, false, false, true, true)),
            new Table(
                List.of("submix", "question type", "rows", "prompt: share (index)"),
                prompts,
                List.of(false, false, true, false))));
  }

  /**
   * The teacher tiers (Orca's progressive learning): each tier's teacher, how many questions it
   * answered and kept, its answers' mean length and its cost, and per submix the questions each
   * tier was asked against its quota.
   */
  static Section tiers(Manifest m) {
    List<List<String>> tiers = new ArrayList<>();
    List<List<String>> submixes = new ArrayList<>();
    for (JsonNode t : m.json().path("tiers")) {
      String n = String.valueOf(t.path("tier").asInt());
      tiers.add(
          List.of(
              n,
              t.path("provider").asText() + "/" + t.path("model").asText(),
              t.path("mode").asText(),
              number(t.path("questions").asLong()),
              number(t.path("samples").asLong()),
              String.valueOf(t.path("mean_completion_tokens").asDouble()),
              number(t.at("/usage/requests").asLong()),
              t.path("estimated_usd").isNumber()
                  ? String.format(Locale.ROOT, "$%.4f", t.path("estimated_usd").asDouble())
                  : "not priced"));
      for (Map.Entry<String, JsonNode> e : t.path("by_source").properties()) {
        JsonNode s = e.getValue();
        submixes.add(
            List.of(
                n,
                e.getKey(),
                s.has("wanted") ? number(s.path("wanted").asLong()) : "no quota",
                number(s.path("questions").asLong()),
                number(s.path("samples").asLong()),
                number(s.path("filtered").asLong()),
                number(s.path("failed").asLong())));
      }
    }
    return new Section(
        "Teacher tiers",
        List.of(
            "Orca's progressive learning: tier 1's teacher answered every sampled question; each"
                + " later tier's teacher answered a nested subset of the tier before it (the same"
                + " questions with the same system prompts, picked by the same sampling with the"
                + " tier's quotas). The column `tier` says which tier answered a row, so a student"
                + " can be trained on tier 1 first and tier 2 after, as Orca was. `orcaset export"
                + " --tier N` copies one tier's rows. The counts in the other sections are tier"
                + " 1's; each tier's own are here."),
        List.of(
            new Table(
                List.of(
                    "tier",
                    "teacher",
                    "mode",
                    "questions",
                    "samples",
                    "mean completion tokens",
                    "requests this run",
                    "cost"),
                tiers,
                List.of(true, false, false, true, true, true, true, true)),
            new Table(
                List.of("tier", "submix", "quota", "questions", "samples", "filtered", "failed"),
                submixes,
                List.of(true, false, true, true, true, true, true))));
  }

  /**
   * The LLM judge: its model and settings, the rows it graded per submix, the scores it gave, what
   * its gate dropped and what it cost.
   */
  static Section judge(Manifest m) {
    JsonNode j = m.json().path("judge");
    List<List<String>> rows = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : j.path("by_source").properties()) {
      JsonNode s = e.getValue();
      rows.add(
          List.of(
              e.getKey(),
              number(s.path("judged").asLong()),
              number(s.path("scored").asLong()),
              number(s.path("unscored").asLong())));
    }
    List<List<String>> scores = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : j.path("scores").properties()) {
      scores.add(List.of(e.getKey(), number(e.getValue().asLong())));
    }
    JsonNode usage = j.path("usage");
    String cost =
        j.path("estimated_usd").isNumber()
            ? String.format(Locale.ROOT, "about $%.4f", j.path("estimated_usd").asDouble())
            : "not priced (no price for this model in the price list)";
    return new Section(
        "LLM judge",
        List.of(
            "A second model, "
                + j.path("provider").asText()
                + "/"
                + j.path("model").asText()
                + ", graded "
                + ("all".equals(j.path("rows").asText())
                    ? "every answered row that passed the other gates"
                    : "the answered rows whose final answer could not be checked against FLAN's"
                        + " target")
                + " from 1 to 10 for correctness and explanation (`judge_score`, `judge_reason`)."
                + " Rows scored under "
                + j.path("min_score").asInt()
                + " were dropped by the `judge` gate: "
                + number(j.path("below_min_score").asLong())
                + ".",
            "A row the judge could not score (the request failed, or the reply held no score) is"
                + " kept with a null `judge_score` and the reason in `judge_reason`: "
                + number(j.path("unscored").asLong())
                + ".",
            "The judge used "
                + number(usage.path("requests").asLong())
                + " requests ("
                + number(usage.path("prompt_tokens").asLong())
                + " prompt and "
                + number(usage.path("completion_tokens").asLong())
                + " completion tokens), "
                + cost
                + "; "
                + number(j.path("reused_from_journal").asLong())
                + " grades came from its journal."),
        List.of(
            new Table(
                List.of("submix", "judged", "scored", "unscored"),
                rows,
                List.of(false, true, true, true)),
            new Table(List.of("score", "rows"), scores, List.of(false, true))));
  }

  static Section leftOut(Manifest m) {
    List<List<String>> rows = new ArrayList<>();
    for (String group : List.of("dropped_by_reason", "failed_by_reason", "rejected_by_reason")) {
      for (Map.Entry<String, Long> e : m.group(group)) {
        rows.add(List.of(group.substring(0, group.indexOf('_')), e.getKey(), number(e.getValue())));
      }
    }
    return new Section(
        "Inputs left out",
        List.of(
            "Rejected inputs are in `rejected/`, failed requests in `failed/`, dropped and filtered"
                + " rows in `filtered/`, each with its reason."),
        List.of(
            new Table(List.of("outcome", "reason", "rows"), rows, List.of(false, false, true))));
  }

  private static String join(JsonNode array) {
    List<String> parts = new ArrayList<>();
    for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
      parts.add(it.next().asText());
    }
    return String.join(", ", parts);
  }
}
