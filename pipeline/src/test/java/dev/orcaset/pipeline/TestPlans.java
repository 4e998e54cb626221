package dev.orcaset.pipeline;

import dev.orcaset.config.OrcasetConfig;
import dev.orcaset.license.LicensePolicy;
import dev.orcaset.prompts.SystemPromptSet;
import java.io.IOException;
import java.nio.file.Path;

/** A run plan built straight from a config, for tests that build the pipeline themselves. */
final class TestPlans {
  private TestPlans() {}

  /** The config's prompts and policy, a run writing to {@code outputDir}, no price, no history. */
  static RunPlan of(OrcasetConfig cfg, String runId, String outputDir) throws IOException {
    SystemPromptSet prompts = SystemPromptSet.load(Path.of(cfg.prompts().dir()));
    RunInfo info =
        new RunInfo(
            runId,
            "test",
            0,
            "{}",
            prompts.version(),
            "v",
            outputDir,
            null,
            cfg.journalDir(),
            "[]",
            null,
            null);
    return new RunPlan(cfg, prompts, LicensePolicy.load(Path.of(cfg.license().policy())), info);
  }
}
