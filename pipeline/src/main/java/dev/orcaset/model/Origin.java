package dev.orcaset.model;

import java.io.Serializable;

/** Where an input record came from: file and 1-based line (JSONL) or row (Parquet). */
public record Origin(String file, long line) implements Serializable {
  @Override
  public String toString() {
    return file + ":" + line;
  }
}
