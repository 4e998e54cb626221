package dev.orcaset.quality;

import dev.orcaset.pipeline.Sample;
import java.io.Serializable;
import java.util.Optional;

/** One named gate. {@link #check} says why a sample fails it, or nothing when it passes. */
public interface QualityRule extends Serializable {
  /** The rule's name as in config, the manifest and `filtered/` rows: `finish_reason`, `refusal`… */
  String name();

  Optional<String> check(Sample sample);
}
