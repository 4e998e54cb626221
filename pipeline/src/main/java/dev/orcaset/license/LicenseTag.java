package dev.orcaset.license;

import java.io.Serializable;
import java.util.List;

/**
 * A row's license verdict: a short tag for filtering (`openai-terms`, `simulated`, `unknown`…),
 * whether commercial training use is cleared, and every reason that went into it.
 */
public record LicenseTag(String tag, boolean commercialUse, List<String> reasons)
    implements Serializable {
  public LicenseTag {
    reasons = List.copyOf(reasons);
  }
}
