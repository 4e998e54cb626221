package dev.orcaset.pipeline;

import dev.orcaset.cost.Price;
import java.io.Serializable;
import java.util.List;

/**
 * What the manifest says about the run besides counts, fixed when the pipeline is built: a unique
 * run id, the tool version, when it started, the config used (it holds no secrets: keys are read
 * from environment variables named in it) and the versions of the prompt set and license policy.
 * {@code outputDir} is where this run writes (a staging folder switched in at the end); {@code
 * previousRunsJson} the `runs` history of the snapshot it replaces, a JSON array; {@code
 * judgePrice} the LLM judge's price (null: no judge, or no price for its model); {@code tierPrices}
 * the later teacher tiers' prices, in order (an entry is null without a price).
 */
public record RunInfo(
    String runId,
    String toolVersion,
    long startedAtMillis,
    String configJson,
    String systemPromptsVersion,
    String licensePolicyVersion,
    String outputDir,
    Price price,
    String journalDir,
    String previousRunsJson,
    Price judgePrice,
    List<Price> tierPrices)
    implements Serializable {
  public RunInfo {
    tierPrices =
        tierPrices == null
            ? List.of()
            : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(tierPrices));
  }

  /** Tier {@code n}'s price (1: {@code price}); null when the price list has none for it. */
  public Price priceOfTier(int n) {
    return n == 1 ? price : n - 2 < tierPrices.size() ? tierPrices.get(n - 2) : null;
  }

  /** The snapshot's short name in file and folder names: the run id's first 8 characters. */
  public String snapshotId() {
    return runId.length() > 8 ? runId.substring(0, 8) : runId;
  }
}
