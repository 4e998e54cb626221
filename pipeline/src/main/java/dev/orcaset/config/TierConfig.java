package dev.orcaset.config;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * One later teacher tier (`tiers[i]`, tier i + 2; tier 1 is the run's `teacher`), Orca's
 * progressive learning: {@code teacher} (any provider, online or batch) answers {@code quotas}
 * questions per submix, drawn from the tier before it by the same sampling (the same hash order and
 * balance), so its questions are a nested subset of the earlier tier's, with the same system
 * prompts. A submix it does not name gets no questions in this tier. Its answers are journaled in
 * {@code journalDir} (default `JOURNAL/tier-N`).
 */
public record TierConfig(TeacherConfig teacher, Map<String, Long> quotas, String journalDir)
    implements Serializable {
  public TierConfig {
    quotas = quotas == null ? Map.of() : new TreeMap<>(quotas);
  }

  public TierConfig withTeacher(TeacherConfig t) {
    return new TierConfig(t, quotas, journalDir);
  }

  public TierConfig withJournalDir(String dir) {
    return new TierConfig(teacher, quotas, dir);
  }

  /** The tier's quota for a submix (by config name, any case), or null: none in this tier. */
  public Long quota(String submix) {
    return quotas.entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(submix))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
  }

  /** The sampling that picks this tier's questions from the tier before: its quotas, same seed. */
  public SamplingConfig sampling(SamplingConfig run) {
    Map<String, SubmixConfig> submixes = new TreeMap<>();
    quotas.forEach(
        (name, q) ->
            submixes.put(
                name, new SubmixConfig(q, null, run.balanceOf(name).wireName(), null, null)));
    return new SamplingConfig(run.seed(), true, submixes, run.balance(), null, null, null);
  }
}
