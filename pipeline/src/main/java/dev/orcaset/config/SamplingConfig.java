package dev.orcaset.config;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * `sampling`: per-submix quotas and template filters. {@code seed} fixes which rows are sampled and
 * which system prompt each gets, so a re-run with the same seed makes the same dataset. With {@code
 * enabled: false} every valid input passes (duplicates are still dropped).
 */
public record SamplingConfig(Long seed, Boolean enabled, Map<String, SubmixConfig> submixes)
    implements Serializable {
  public SamplingConfig {
    seed = seed == null ? 42L : seed;
    enabled = enabled == null ? Boolean.TRUE : enabled;
    submixes = submixes == null ? Map.of() : new TreeMap<>(submixes);
  }

  public SamplingConfig withEnabled(boolean on) {
    return new SamplingConfig(seed, on, submixes);
  }
}
