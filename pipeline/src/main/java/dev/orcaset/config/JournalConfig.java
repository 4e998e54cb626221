package dev.orcaset.config;

import java.io.Serializable;

/**
 * `journal`: where every paid answer is saved as it arrives, and how often. {@code dir} null means
 * `OUTPUT/.journal` (see {@link OrcasetConfig#journalDir()}). A slice of answers is committed every
 * {@code commitEvery} answers or {@code commitSeconds}, whichever comes first: a killed process
 * loses at most that. {@code reuse} false (`--fresh`) asks every question again.
 */
public record JournalConfig(String dir, Integer commitEvery, Integer commitSeconds, Boolean reuse)
    implements Serializable {
  public JournalConfig {
    commitEvery = commitEvery == null ? 100 : commitEvery;
    commitSeconds = commitSeconds == null ? 10 : commitSeconds;
    reuse = reuse == null ? Boolean.TRUE : reuse;
  }

  public JournalConfig withDir(String v) {
    return new JournalConfig(v, commitEvery, commitSeconds, reuse);
  }

  public JournalConfig withReuse(boolean v) {
    return new JournalConfig(dir, commitEvery, commitSeconds, v);
  }
}
