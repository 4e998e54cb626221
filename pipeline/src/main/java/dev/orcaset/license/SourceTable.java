package dev.orcaset.license;

import java.io.Serializable;
import java.util.List;

/**
 * The shipped source policy (`config/flan-source-licenses.yaml`): every FLAN source dataset the
 * audit lists, with its verdict, and where the facts came from (the table imported, its SHA-256,
 * the audit's repository, commit and date).
 */
public record SourceTable(
    String generatedBy,
    String table,
    String tableSha256,
    String source,
    String asOf,
    List<SourceEntry> datasets)
    implements Serializable {
  public SourceTable {
    datasets = datasets == null ? List.of() : List.copyOf(datasets);
  }

  /** No table: a policy that names none decides sources by its own rules alone. */
  public static SourceTable empty() {
    return new SourceTable(null, null, null, null, null, null);
  }
}
