package dev.orcaset.quality;

import dev.orcaset.model.DropReason;
import dev.orcaset.model.Sample;
import java.io.Serializable;
import java.util.Optional;

/** One named gate. {@link #check} says why a sample fails it, or nothing when it passes. */
public interface QualityRule extends Serializable {
  /** The rule's reason, whose wire name is the rule's name in config, manifest and `filtered/`. */
  DropReason reason();

  Optional<String> check(Sample sample);
}
