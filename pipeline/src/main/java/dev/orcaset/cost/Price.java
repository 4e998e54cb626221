package dev.orcaset.cost;

import java.io.Serializable;

/** What a model costs, in USD per million tokens, and where that number comes from. */
public record Price(String model, double inputPerMillion, double outputPerMillion, String source, String asOf)
    implements Serializable {

  public double usd(long promptTokens, long completionTokens) {
    return promptTokens / 1e6 * inputPerMillion + completionTokens / 1e6 * outputPerMillion;
  }
}
