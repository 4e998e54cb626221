package dev.orcaset.config;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * `sampling`: per-submix quotas and template filters. {@code seed} fixes which rows are sampled and
 * which system prompt each gets, so a re-run with the same seed makes the same dataset. With {@code
 * enabled: false} every valid input passes (duplicates are still dropped). {@code balance} is the
 * submixes' default way to fill a quota ({@code record} or {@code task}, see {@link Balance}).
 * {@code includeTasks} / {@code excludeTasks} keep or leave out tasks by name in every submix;
 * {@code excludeTaskLists} names files of such patterns (e.g. the shipped tasks drawn from
 * evaluation sets), read by the launcher into {@code excludeTasks}.
 */
public record SamplingConfig(
    Long seed,
    Boolean enabled,
    Map<String, SubmixConfig> submixes,
    String balance,
    List<TaskRule> includeTasks,
    List<TaskRule> excludeTasks,
    List<String> excludeTaskLists)
    implements Serializable {
  public SamplingConfig {
    seed = seed == null ? 42L : seed;
    enabled = enabled == null ? Boolean.TRUE : enabled;
    submixes = submixes == null ? Map.of() : new TreeMap<>(submixes);
    balance = balance == null ? "record" : balance;
    includeTasks = includeTasks == null ? List.of() : List.copyOf(includeTasks);
    excludeTasks = excludeTasks == null ? List.of() : List.copyOf(excludeTasks);
    excludeTaskLists = excludeTaskLists == null ? List.of() : List.copyOf(excludeTaskLists);
  }

  public SamplingConfig(Long seed, Boolean enabled, Map<String, SubmixConfig> submixes) {
    this(seed, enabled, submixes, null, null, null, null);
  }

  public SamplingConfig withEnabled(boolean on) {
    return new SamplingConfig(
        seed, on, submixes, balance, includeTasks, excludeTasks, excludeTaskLists);
  }

  /**
   * This config with the entries of its task list files ({@code fromLists}, read by the loader)
   * added to {@code excludeTasks}, and {@code lists} (the files' resolved paths) as the lists.
   */
  public SamplingConfig withTaskLists(List<String> lists, List<TaskRule> fromLists) {
    List<TaskRule> all = new java.util.ArrayList<>(excludeTasks);
    all.addAll(fromLists);
    return new SamplingConfig(seed, enabled, submixes, balance, includeTasks, all, lists);
  }

  /** The submix's own config (by config name, any case), or null. */
  public SubmixConfig submix(String name) {
    return submixes.entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
  }

  /**
   * How a submix's quota picks its rows. {@code RECORD}: the rows with the smallest hashes, so a
   * task with half the rows gets about half the quota. {@code TASK}: the paper's stratified
   * sampling: every task gets the same share c (Σ min(n_task, c) = quota), so large tasks do not
   * crowd out small ones.
   */
  public enum Balance {
    RECORD,
    TASK;

    /** The value for a config string, or null when it is none. */
    public static Balance parse(String s) {
      for (Balance b : values()) {
        if (b.name().equalsIgnoreCase(s)) {
          return b;
        }
      }
      return null;
    }

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The balance of a submix (by config name): its own, else {@code sampling.balance}. */
  public Balance balanceOf(String submix) {
    SubmixConfig sc = submix(submix);
    Balance b = Balance.parse(sc == null || sc.balance() == null ? balance : sc.balance());
    return b == null ? Balance.RECORD : b;
  }
}
