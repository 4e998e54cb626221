package dev.orcaset.license;

import java.io.Serializable;
import java.util.List;

/**
 * A row's license verdict: a short tag for filtering (`openai-terms`, `simulated`, `unknown`…),
 * whether commercial training use is cleared, and every reason that went into it; and the source
 * side on its own: the audit's id of the source dataset (empty when the audit does not list the
 * task), the source's tag, and whether anyone reviewed it (false for the catch-all rule).
 */
public record LicenseTag(
    String tag,
    boolean commercialUse,
    List<String> reasons,
    String sourceDataset,
    String sourceTag,
    boolean sourceReviewed)
    implements Serializable {
  public LicenseTag {
    reasons = List.copyOf(reasons);
  }
}
