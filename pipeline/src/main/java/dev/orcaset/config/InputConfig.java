package dev.orcaset.config;

import java.io.Serializable;
import java.util.List;

/** `input`: files or globs of FLAN records (JSONL, JSONL.gz or Parquet), any Beam filesystem. */
public record InputConfig(List<String> paths) implements Serializable {
  public InputConfig {
    paths = paths == null ? List.of() : List.copyOf(paths);
  }
}
