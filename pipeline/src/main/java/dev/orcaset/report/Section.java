package dev.orcaset.report;

import java.util.List;

/** One part of the summary: a title, sentences, and tables, in the order they are shown. */
public record Section(String title, List<String> paragraphs, List<Table> tables) {
  public Section {
    paragraphs = List.copyOf(paragraphs);
    tables = List.copyOf(tables);
  }
}
