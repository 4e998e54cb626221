package dev.orcaset.cost;

import java.io.Serializable;

/** What a model costs, in USD per million tokens, and where that number comes from. */
public record Price(
    String model, double inputPerMillion, double outputPerMillion, String source, String asOf)
    implements Serializable {

  /** The same model at a share of the price: provider batch APIs bill half. */
  public Price times(double factor, String why) {
    return new Price(
        model, inputPerMillion * factor, outputPerMillion * factor, source + "; " + why, asOf);
  }

  public double usd(long promptTokens, long completionTokens) {
    return promptTokens / 1e6 * inputPerMillion + completionTokens / 1e6 * outputPerMillion;
  }
}
