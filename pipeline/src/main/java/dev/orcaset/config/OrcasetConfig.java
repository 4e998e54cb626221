package dev.orcaset.config;

import java.io.Serializable;
import java.util.List;

/**
 * The whole run configuration, parsed once from YAML and validated before the pipeline is built.
 * {@code pricing} is the optional price list for cost estimates; {@code tiers} the later teacher
 * tiers (tier 1 is {@code teacher}), each answering a nested subset of the questions before it.
 */
public record OrcasetConfig(
    InputConfig input,
    OutputConfig output,
    SamplingConfig sampling,
    PromptsConfig prompts,
    TeacherConfig teacher,
    LicenseConfig license,
    String pricing,
    Long limit,
    JournalConfig journal,
    QualityConfig quality,
    List<TierConfig> tiers)
    implements Serializable {

  public OrcasetConfig {
    input = input == null ? new InputConfig(null) : input;
    output = output == null ? new OutputConfig(null, null) : output;
    sampling = sampling == null ? new SamplingConfig(null, null, null) : sampling;
    prompts = prompts == null ? new PromptsConfig(null) : prompts;
    teacher = teacher == null ? TeacherConfig.defaults() : teacher;
    license = license == null ? new LicenseConfig(null) : license;
    journal = journal == null ? new JournalConfig(null, null, null, null) : journal;
    quality = quality == null ? QualityConfig.defaults() : quality;
    tiers = tiers == null ? List.of() : List.copyOf(tiers);
  }

  /**
   * The later tiers with their defaults filled: each journal in a folder of its own inside the
   * run's, `tier-N` (N = 2 for the first entry, since tier 1 is `teacher`).
   */
  public List<TierConfig> laterTiers() {
    List<TierConfig> out = new java.util.ArrayList<>();
    for (int i = 0; i < tiers.size(); i++) {
      TierConfig t = tiers.get(i);
      out.add(t.journalDir() != null ? t : t.withJournalDir(journalDir() + "/tier-" + (i + 2)));
    }
    return out;
  }

  /** The teacher of tier {@code n} (1: `teacher`). */
  public TeacherConfig teacherOfTier(int n) {
    return n == 1 ? teacher : tiers.get(n - 2).teacher();
  }

  public OrcasetConfig withTiers(List<TierConfig> v) {
    return new OrcasetConfig(
        input, output, sampling, prompts, teacher, license, pricing, limit, journal, quality, v);
  }

  /** The journal's folder: `journal.dir`, or `.journal` inside the output folder. */
  public String journalDir() {
    return journal.dir() != null ? journal.dir() : output.dir() + "/.journal";
  }

  /**
   * `quality.judge` with its defaults filled: the bundled rubric in the prompts folder, and a
   * journal folder of its own inside the run's.
   */
  public JudgeConfig judge() {
    JudgeConfig j = quality.judge();
    return j.withPaths(
        j.rubric() != null ? j.rubric() : prompts.dir() + "/" + JudgeConfig.RUBRIC_FILE,
        j.journalDir() != null ? j.journalDir() : journalDir() + "/judge");
  }

  public OrcasetConfig withQuality(QualityConfig v) {
    return new OrcasetConfig(
        input, output, sampling, prompts, teacher, license, pricing, limit, journal, v, tiers);
  }

  public OrcasetConfig withJournal(JournalConfig v) {
    return new OrcasetConfig(
        input, output, sampling, prompts, teacher, license, pricing, limit, v, quality, tiers);
  }

  public OrcasetConfig withInput(InputConfig v) {
    return new OrcasetConfig(
        v, output, sampling, prompts, teacher, license, pricing, limit, journal, quality, tiers);
  }

  public OrcasetConfig withOutput(OutputConfig v) {
    return new OrcasetConfig(
        input, v, sampling, prompts, teacher, license, pricing, limit, journal, quality, tiers);
  }

  public OrcasetConfig withSampling(SamplingConfig v) {
    return new OrcasetConfig(
        input, output, v, prompts, teacher, license, pricing, limit, journal, quality, tiers);
  }

  public OrcasetConfig withTeacher(TeacherConfig v) {
    return new OrcasetConfig(
        input, output, sampling, prompts, v, license, pricing, limit, journal, quality, tiers);
  }

  public OrcasetConfig withLimit(Long v) {
    return new OrcasetConfig(
        input, output, sampling, prompts, teacher, license, pricing, v, journal, quality, tiers);
  }
}
