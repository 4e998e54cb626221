package dev.orcaset.report;

import java.util.List;

/** Sections as GitHub/Hugging Face Markdown. */
final class Markdown {
  private Markdown() {}

  static void sections(List<Section> sections, StringBuilder md) {
    for (Section s : sections) {
      md.append("## ").append(s.title()).append("\n\n");
      for (String p : s.paragraphs()) {
        md.append(p).append("\n\n");
      }
      for (Table t : s.tables()) {
        table(t, md);
      }
    }
  }

  static void table(Table t, StringBuilder md) {
    if (t.rows().isEmpty()) {
      md.append("(none)\n\n");
      return;
    }
    md.append('|');
    t.headers().forEach(h -> md.append(' ').append(cell(h)).append(" |"));
    md.append("\n|");
    t.numeric().forEach(n -> md.append(n ? " ---: |" : " --- |"));
    md.append('\n');
    for (List<String> row : t.rows()) {
      md.append('|');
      row.forEach(c -> md.append(' ').append(cell(c)).append(" |"));
      md.append('\n');
    }
    md.append('\n');
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
