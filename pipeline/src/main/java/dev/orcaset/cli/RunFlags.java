package dev.orcaset.cli;

import dev.orcaset.config.ConfigLoader;
import dev.orcaset.config.InputConfig;
import dev.orcaset.config.OrcasetConfig;
import dev.orcaset.config.OutputConfig;
import dev.orcaset.config.TeacherConfig;
import java.nio.file.Path;

/** Merges `orcaset run` flags into the config file's values: a flag given wins. */
final class RunFlags {
  private RunFlags() {}

  static OrcasetConfig apply(OrcasetConfig cfg, RunArgs args) {
    Path cwd = Path.of("").toAbsolutePath();
    if (!args.inputs().isEmpty()) {
      cfg =
          cfg.withInput(
              new InputConfig(
                  args.inputs().stream().map(p -> ConfigLoader.resolve(cwd, p)).toList()));
    }
    if (args.output() != null) {
      cfg =
          cfg.withOutput(
              new OutputConfig(
                  ConfigLoader.resolve(cwd, args.output()), cfg.output().compression()));
    }
    if (args.limit() != null) {
      cfg = cfg.withLimit(args.limit());
    }
    if (args.noSampling()) {
      cfg = cfg.withSampling(cfg.sampling().withEnabled(false));
    }
    if (args.fresh()) {
      cfg = cfg.withJournal(cfg.journal().withReuse(false));
    }
    if (args.noWait() && !cfg.tiers().isEmpty()) {
      // Later tiers are asked in the same run as tier 1; leaving tier 1's batches behind would
      // leave the tiers' questions half asked.
      throw new UsageException(
          "--no-wait leaves tier 1's batches running, but this config has teacher tiers, which are"
              + " asked in the same run: run without --no-wait (each batch tier waits for its own"
              + " batches, and a stopped run resumes from the journals)");
    }
    return cfg.withTeacher(teacher(cfg.teacher(), args));
  }

  private static TeacherConfig teacher(TeacherConfig t, RunArgs args) {
    TeacherConfig.Builder b = t.toBuilder();
    if (args.teacherUrl() != null) {
      b.provider(Providers.forUrl(args.teacherUrl(), t)).baseUrl(args.teacherUrl());
    }
    if (args.teacherModel() != null) {
      b.model(args.teacherModel());
    }
    if (args.concurrency() != null) {
      b.concurrency(args.concurrency());
    }
    if (args.rpm() != null) {
      b.rpm(args.rpm());
    }
    if (args.tpm() != null) {
      b.tpm(args.tpm());
    }
    if (args.teacherMode() != null) {
      b.mode(args.teacherMode());
    }
    TeacherConfig merged = b.build();
    if (args.noWait()) {
      if (!merged.isBatch()) {
        throw new UsageException(
            "--no-wait only applies to batch mode (teacher.mode: batch or --teacher-mode batch)");
      }
      merged = merged.toBuilder().batch(merged.batch().withCollect(false)).build();
    }
    return merged;
  }
}
