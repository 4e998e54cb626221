package dev.orcaset.config;

import java.io.Serializable;
import java.util.List;

/**
 * `sampling.submixes.NAME`: at most {@code maxRows} rows of this submix (null: no cap; 0: skip the
 * submix), keeping only the listed template types (empty: all). Orca kept zero-shot ones. {@code
 * balance} (null: `sampling.balance`) says how a cap picks its rows: {@code record} by hash alone,
 * {@code task} the same number from every task, as far as each has them. {@code includeTasks} and
 * {@code excludeTasks} filter its tasks by name, beside the `sampling` level's (see {@link
 * TaskRule}).
 */
public record SubmixConfig(
    Long maxRows,
    List<String> templateTypes,
    String balance,
    List<TaskRule> includeTasks,
    List<TaskRule> excludeTasks)
    implements Serializable {
  public SubmixConfig {
    templateTypes = templateTypes == null ? List.of() : List.copyOf(templateTypes);
    includeTasks = includeTasks == null ? List.of() : List.copyOf(includeTasks);
    excludeTasks = excludeTasks == null ? List.of() : List.copyOf(excludeTasks);
  }

  public SubmixConfig(Long maxRows, List<String> templateTypes) {
    this(maxRows, templateTypes, null, null, null);
  }

  public SubmixConfig(Long maxRows, List<String> templateTypes, String balance) {
    this(maxRows, templateTypes, balance, null, null);
  }

  public boolean keepsTemplate(String templateType) {
    return templateTypes.isEmpty() || templateTypes.contains(templateType);
  }
}
