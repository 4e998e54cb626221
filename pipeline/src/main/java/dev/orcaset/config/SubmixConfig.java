package dev.orcaset.config;

import java.io.Serializable;
import java.util.List;

/**
 * `sampling.submixes.NAME`: at most {@code maxRows} rows of this submix (null: no cap; 0: skip the
 * submix), keeping only the listed template types (empty: all). Orca kept zero-shot ones. {@code
 * balance} (null: `sampling.balance`) says how a cap picks its rows: {@code record} by hash alone,
 * {@code task} the same number from every task, as far as each has them.
 */
public record SubmixConfig(Long maxRows, List<String> templateTypes, String balance)
    implements Serializable {
  public SubmixConfig {
    templateTypes = templateTypes == null ? List.of() : List.copyOf(templateTypes);
  }

  public SubmixConfig(Long maxRows, List<String> templateTypes) {
    this(maxRows, templateTypes, null);
  }

  public boolean keepsTemplate(String templateType) {
    return templateTypes.isEmpty() || templateTypes.contains(templateType);
  }
}
