package dev.orcaset.pipeline;

import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;

/**
 * A collection with one placeholder element added, for a side input that may otherwise be empty.
 * The DirectRunner marks an empty side input ready from a watermark callback that does not wake the
 * elements already waiting for it, so a run could hang there for good: it did in CI, on a machine
 * with more cores, when every submix was under its quota. The reader skips the placeholder.
 */
final class WithPlaceholder<T> extends PTransform<PCollection<T>, PCollection<T>> {
  private final T placeholder;

  WithPlaceholder(T placeholder) {
    this.placeholder = placeholder;
  }

  @Override
  public PCollection<T> expand(PCollection<T> in) {
    if (!in.getPipeline().getOptions().getRunner().getSimpleName().equals("DirectRunner")) {
      return in;
    }
    PCollection<T> one =
        in.getPipeline().apply("Placeholder", Create.of(placeholder).withCoder(in.getCoder()));
    return PCollectionList.of(in)
        .and(one)
        .apply("AndPlaceholder", Flatten.pCollections())
        .setCoder(in.getCoder());
  }
}
