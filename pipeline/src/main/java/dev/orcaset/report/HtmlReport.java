package dev.orcaset.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTML report of `./orcaset inspect --html`: one self-contained file (inline CSS and SVG, no
 * script) with the summary tables and three kinds of plots: completion-token histograms per submix,
 * rows per system prompt, and rows per license verdict (green: cleared for commercial training).
 */
public final class HtmlReport {
  private HtmlReport() {}

  public static String render(Manifest m) {
    StringBuilder html = new StringBuilder();
    String snapshot = SvgCharts.esc(m.json().path("snapshot").path("id").asText());
    html.append("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>")
        .append("<title>orcaset dataset ")
        .append(snapshot)
        .append("</title><style>")
        .append(
            "body{font:14px/1.45 system-ui,sans-serif;margin:24px"
                + " auto;max-width:1180px;color:#222}")
        .append(
            "table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid"
                + " #ccc;padding:3px 8px;vertical-align:top}")
        .append(
            "th{background:#f2f2f2}td.num{text-align:right}.charts{display:flex;flex-wrap:wrap;gap:16px}")
        .append(
            "figure{margin:0}figcaption{font-weight:600}.tick,.axis,.value,.label{font-size:11px;fill:#333}")
        .append(".baseline{stroke:#888}</style></head><body>\n");
    html.append("<h1>orcaset dataset, snapshot ").append(snapshot).append("</h1>\n");
    html.append("<h2>Plots</h2>\n<div class='charts'>\n");
    m.json()
        .path("tokens")
        .fields()
        .forEachRemaining(
            e ->
                figure(
                    html,
                    "Answer length in tokens: " + e.getKey(),
                    SvgCharts.columns(
                        "chart-tokens-" + e.getKey(),
                        "completion tokens, " + e.getKey(),
                        histogram(e.getValue()))));
    figure(
        html,
        "Rows per system prompt",
        SvgCharts.rows("chart-prompts", "rows per system prompt", prompts(m)));
    figure(
        html,
        "Rows per license verdict",
        SvgCharts.rows("chart-licenses", "rows per license verdict", licenses(m)));
    html.append("</div>\n");
    for (Section s : SummarySections.of(m)) {
      html.append("<h2>").append(SvgCharts.esc(s.title())).append("</h2>\n");
      s.paragraphs()
          .forEach(p -> html.append("<p>").append(code(SvgCharts.esc(p))).append("</p>\n"));
      s.tables().forEach(t -> table(html, t));
    }
    return html.append("</body></html>\n").toString();
  }

  private static List<SvgCharts.Bar> histogram(JsonNode tokens) {
    List<SvgCharts.Bar> bars = new ArrayList<>();
    for (JsonNode bin : tokens.path("completion_histogram")) {
      String label =
          bin.path("from").asText()
              + (bin.has("below") ? "–" + (bin.get("below").asLong() - 1) : "+");
      bars.add(new SvgCharts.Bar(label, bin.path("rows").asLong(), SvgCharts.TOKENS));
    }
    return bars;
  }

  private static List<SvgCharts.Bar> prompts(Manifest m) {
    List<SvgCharts.Bar> bars = new ArrayList<>();
    for (JsonNode p : m.json().path("system_prompts")) {
      bars.add(
          new SvgCharts.Bar(
              p.path("id").asText() + " " + p.path("file").asText(),
              p.path("rows").asLong(),
              SvgCharts.PROMPTS));
    }
    return bars;
  }

  /** One bar per tag and verdict (the table below splits them further by reasons). */
  private static List<SvgCharts.Bar> licenses(Manifest m) {
    Map<String, Long> rows = new LinkedHashMap<>();
    for (JsonNode l : m.json().path("licenses")) {
      String label =
          l.path("tag").asText()
              + (l.path("commercial_use").asBoolean() ? " (cleared)" : " (not cleared)");
      rows.merge(label, l.path("rows").asLong(), Long::sum);
    }
    List<SvgCharts.Bar> bars = new ArrayList<>();
    rows.forEach(
        (label, n) ->
            bars.add(
                new SvgCharts.Bar(
                    label,
                    n,
                    label.endsWith(" (cleared)") ? SvgCharts.CLEARED : SvgCharts.NOT_CLEARED)));
    return bars;
  }

  /** The summary's `code` spans, as HTML. */
  private static String code(String text) {
    return text.replaceAll("`([^`]+)`", "<code>$1</code>");
  }

  private static void figure(StringBuilder html, String caption, String svg) {
    html.append("<figure><figcaption>")
        .append(SvgCharts.esc(caption))
        .append("</figcaption>")
        .append(svg)
        .append("</figure>\n");
  }

  private static void table(StringBuilder html, Table t) {
    html.append("<table><tr>");
    t.headers().forEach(h -> html.append("<th>").append(SvgCharts.esc(h)).append("</th>"));
    html.append("</tr>\n");
    for (List<String> row : t.rows()) {
      html.append("<tr>");
      for (int i = 0; i < row.size(); i++) {
        html.append(t.numeric().get(i) ? "<td class='num'>" : "<td>")
            .append(SvgCharts.esc(row.get(i)))
            .append("</td>");
      }
      html.append("</tr>\n");
    }
    html.append("</table>\n");
  }
}
