package dev.orcaset.report;

import java.util.List;
import java.util.Locale;

/**
 * Bar charts as inline SVG: no script, no fonts to fetch, no server; any browser draws them from
 * the file alone. Each chart's bars have one flat colour, which the screenshot test looks for.
 */
final class SvgCharts {
  static final String TOKENS = "#3b6fb6";
  static final String PROMPTS = "#e08a1e";
  static final String CLEARED = "#2e9e4f";
  static final String NOT_CLEARED = "#c8423b";

  private SvgCharts() {}

  /** One bar: its label, value and colour. */
  record Bar(String label, long value, String color) {}

  /** Vertical bars with labels below: a histogram. */
  static String columns(String id, String title, List<Bar> bars) {
    int width = 560;
    int height = 220;
    int left = 48;
    int bottom = 40;
    int plotH = height - bottom - 24;
    long max = Math.max(1, bars.stream().mapToLong(Bar::value).max().orElse(1));
    double step = (width - left - 10) / (double) Math.max(1, bars.size());
    StringBuilder svg = open(id, title, width, height);
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x='%d' y='14' class='axis'>rows (max %s)</text>",
            4,
            Manifest.number(max)));
    for (int i = 0; i < bars.size(); i++) {
      Bar b = bars.get(i);
      double h = b.value() == 0 ? 0 : Math.max(2, plotH * b.value() / (double) max);
      double x = left + i * step;
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'><title>%s:"
                  + " %s</title></rect>",
              x + 1,
              height - bottom - h,
              Math.max(1, step - 2),
              h,
              b.color(),
              esc(b.label()),
              Manifest.number(b.value())));
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x='%.1f' y='%d' class='tick' transform='rotate(45 %.1f %d)'>%s</text>",
              x + step / 2,
              height - bottom + 12,
              x + step / 2,
              height - bottom + 12,
              esc(b.label())));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1='%d' y1='%d' x2='%d' y2='%d' class='baseline'/>",
            left,
            height - bottom,
            width - 10,
            height - bottom));
    return svg.append("</svg>").toString();
  }

  /** Horizontal bars with labels on the left: counts per category. */
  static String rows(String id, String title, List<Bar> bars) {
    int width = 560;
    int rowH = 22;
    int left = 200;
    int height = 12 + rowH * Math.max(1, bars.size());
    long max = Math.max(1, bars.stream().mapToLong(Bar::value).max().orElse(1));
    StringBuilder svg = open(id, title, width, height);
    for (int i = 0; i < bars.size(); i++) {
      Bar b = bars.get(i);
      double w = b.value() == 0 ? 0 : Math.max(2, (width - left - 70) * b.value() / (double) max);
      int y = 6 + i * rowH;
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x='%d' y='%d' class='label' text-anchor='end'>%s</text>",
              left - 6,
              y + 15,
              esc(b.label())));
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x='%d' y='%d' width='%.1f' height='%d' fill='%s'><title>%s: %s</title></rect>",
              left,
              y + 2,
              w,
              rowH - 6,
              b.color(),
              esc(b.label()),
              Manifest.number(b.value())));
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x='%.1f' y='%d' class='value'>%s</text>",
              left + w + 4,
              y + 15,
              Manifest.number(b.value())));
    }
    return svg.append("</svg>").toString();
  }

  private static StringBuilder open(String id, String title, int width, int height) {
    return new StringBuilder()
        .append(
            String.format(
                Locale.ROOT,
                "<svg id='%s' role='img' xmlns='http://www.w3.org/2000/svg' width='%d' height='%d'"
                    + " viewBox='0 0 %d %d'><title>%s</title>",
                esc(id),
                width,
                height,
                width,
                height,
                esc(title)));
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace("\"", "&quot;");
  }
}
