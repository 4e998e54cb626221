package dev.orcaset.config;

import java.io.Serializable;

/**
 * The whole run configuration, parsed once from YAML and validated before the pipeline is built.
 * {@code pricing} is the optional price list for cost estimates.
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
    QualityConfig quality)
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
        input, output, sampling, prompts, teacher, license, pricing, limit, journal, v);
  }

  public OrcasetConfig withJournal(JournalConfig v) {
    return new OrcasetConfig(
        input, output, sampling, prompts, teacher, license, pricing, limit, v, quality);
  }

  public OrcasetConfig withInput(InputConfig v) {
    return new OrcasetConfig(
        v, output, sampling, prompts, teacher, license, pricing, limit, journal, quality);
  }

  public OrcasetConfig withOutput(OutputConfig v) {
    return new OrcasetConfig(
        input, v, sampling, prompts, teacher, license, pricing, limit, journal, quality);
  }

  public OrcasetConfig withSampling(SamplingConfig v) {
    return new OrcasetConfig(
        input, output, v, prompts, teacher, license, pricing, limit, journal, quality);
  }

  public OrcasetConfig withTeacher(TeacherConfig v) {
    return new OrcasetConfig(
        input, output, sampling, prompts, v, license, pricing, limit, journal, quality);
  }

  public OrcasetConfig withLimit(Long v) {
    return new OrcasetConfig(
        input, output, sampling, prompts, teacher, license, pricing, v, journal, quality);
  }
}
