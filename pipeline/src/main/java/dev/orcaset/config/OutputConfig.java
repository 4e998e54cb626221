package dev.orcaset.config;

import java.io.Serializable;

/**
 * `output`: where the dataset goes and how Parquet is compressed (`zstd`, `snappy`, `gzip`,
 * `none`).
 */
public record OutputConfig(String dir, String compression) implements Serializable {
  public OutputConfig {
    compression = compression == null ? "zstd" : compression;
  }

  /** The published snapshot's rows: what a run compares with and takes earlier answers from. */
  public String dataDir() {
    return dir + "/data";
  }
}
