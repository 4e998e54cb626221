package dev.orcaset.cost;

import dev.orcaset.config.ConfigException;
import dev.orcaset.config.ConfigLoader;
import dev.orcaset.io.Globs;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** `config/pricing.yaml`: model-name globs to prices; first match wins. */
public final class PriceList {
  record Rule(
      String match, Double inputPerMillion, Double outputPerMillion, String source, String asOf) {}

  record PriceFile(String version, Double batchFactor, List<Rule> models) {}

  private final List<Rule> rules;
  private final double batchFactor;

  private PriceList(List<Rule> rules, double batchFactor) {
    this.rules = rules;
    this.batchFactor = batchFactor;
  }

  /** What batch APIs charge as a share of the online price (`batch_factor`, 0.5 unless set). */
  public double batchFactor() {
    return batchFactor;
  }

  public static PriceList load(Path file) {
    PriceFile f = ConfigLoader.readYaml(file, PriceFile.class);
    List<Rule> rules = f.models() == null ? List.of() : f.models();
    for (int i = 0; i < rules.size(); i++) {
      Rule r = rules.get(i);
      String key = "models[" + i + "]";
      if (r.match() == null || r.match().isBlank()) {
        throw new ConfigException(key + ".match", file + ": needs a model name glob");
      }
      if (r.inputPerMillion() == null || r.inputPerMillion() < 0) {
        throw new ConfigException(
            key + ".input_per_million", file + ": needs a price of 0 or more");
      }
      if (r.outputPerMillion() == null || r.outputPerMillion() < 0) {
        throw new ConfigException(
            key + ".output_per_million", file + ": needs a price of 0 or more");
      }
    }
    double batchFactor = f.batchFactor() == null ? 0.5 : f.batchFactor();
    if (batchFactor <= 0 || batchFactor > 1) {
      throw new ConfigException(
          "batch_factor", file + ": must be above 0 and at most 1, got " + batchFactor);
    }
    return new PriceList(rules, batchFactor);
  }

  public Optional<Price> forModel(String model) {
    return rules.stream()
        .filter(r -> Globs.matches(r.match(), model))
        .findFirst()
        .map(
            r -> new Price(model, r.inputPerMillion(), r.outputPerMillion(), r.source(), r.asOf()));
  }
}
