package dev.orcaset.config;

import java.io.Serializable;
import java.util.List;

/**
 * `sampling.submixes.NAME`: at most {@code maxRows} rows of this submix (null: no cap; 0: skip the
 * submix), keeping only the listed template types (empty: all). Orca kept zero-shot ones.
 */
public record SubmixConfig(Long maxRows, List<String> templateTypes) implements Serializable {
  public SubmixConfig {
    templateTypes = templateTypes == null ? List.of() : List.copyOf(templateTypes);
  }

  public boolean keepsTemplate(String templateType) {
    return templateTypes.isEmpty() || templateTypes.contains(templateType);
  }
}
