package dev.orcaset.report;

import java.util.List;

/** A table of text cells; {@code numeric} marks right-aligned columns. */
public record Table(List<String> headers, List<List<String>> rows, List<Boolean> numeric) {
  public Table {
    headers = List.copyOf(headers);
    rows = rows.stream().map(List::copyOf).toList();
    numeric = List.copyOf(numeric);
  }
}
