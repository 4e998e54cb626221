package dev.orcaset.pipeline;

import dev.orcaset.license.LicensePolicy;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * Tags every sample with `license_tag`, `commercial_use` and `license_reasons` from the policy:
 * the teacher's terms and the source dataset's license, the most restrictive deciding.
 */
public final class TagLicense extends PTransform<PCollection<Sample>, PCollection<Sample>> {
  private final LicensePolicy policy;

  public TagLicense(LicensePolicy policy) {
    this.policy = policy;
  }

  @Override
  public PCollection<Sample> expand(PCollection<Sample> samples) {
    LicensePolicy p = policy;
    return samples
        .apply("ApplyPolicy", MapElements.into(TypeDescriptor.of(Sample.class))
            .via((Sample s) -> s.withLicense(p.tag(s.teacherProvider(), s.teacherModel(), s.source(), s.taskName()))))
        .setCoder(Outcomes.SAMPLE_CODER);
  }
}
