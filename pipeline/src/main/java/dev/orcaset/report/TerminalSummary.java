package dev.orcaset.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The summary as plain text for a terminal: the card's sections with aligned columns. Long cells
 * are cut, except in the last column, which needs no alignment (license reasons stay whole).
 */
public final class TerminalSummary {
  private static final int MAX_CELL = 90;

  private TerminalSummary() {}

  public static String render(Manifest m) {
    StringBuilder out = new StringBuilder();
    out.append("orcaset dataset, snapshot ")
        .append(m.json().path("snapshot").path("id").asText())
        .append('\n');
    for (Section s : SummarySections.of(m)) {
      out.append('\n')
          .append(s.title())
          .append('\n')
          .append("-".repeat(s.title().length()))
          .append('\n');
      s.paragraphs().forEach(p -> out.append(p.replace("`", "")).append('\n'));
      for (Table t : s.tables()) {
        out.append('\n');
        table(t, out);
      }
    }
    return out.toString();
  }

  static void table(Table t, StringBuilder out) {
    if (t.rows().isEmpty()) {
      out.append("  (none)\n");
      return;
    }
    int[] width = new int[t.headers().size()];
    List<List<String>> all = new ArrayList<>();
    all.add(t.headers());
    int last = t.headers().size() - 1;
    for (List<String> r : t.rows()) {
      List<String> cut = new ArrayList<>(r);
      for (int i = 0; i < last; i++) {
        cut.set(
            i, r.get(i).length() > MAX_CELL ? r.get(i).substring(0, MAX_CELL - 1) + "…" : r.get(i));
      }
      all.add(cut);
    }
    for (List<String> row : all) {
      for (int i = 0; i < last; i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder(" ");
      for (int i = 0; i < row.size(); i++) {
        String c = row.get(i);
        String pad = i == last ? "" : " ".repeat(width[i] - c.length());
        line.append(' ').append(t.numeric().get(i) ? pad + c : c + pad).append(' ');
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
  }
}
