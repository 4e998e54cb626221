package dev.orcaset.pipeline;

import dev.orcaset.config.OrcasetConfig;
import dev.orcaset.license.LicensePolicy;
import dev.orcaset.prompts.SystemPromptSet;

/**
 * Everything a run needs, loaded and validated on the launching machine before the pipeline is
 * built: workers get prompts, policy and the judge's rubric ({@code judgeRubric}, null without a
 * judge) as data and never read local files.
 */
public record RunPlan(
    OrcasetConfig config,
    SystemPromptSet prompts,
    LicensePolicy policy,
    RunInfo info,
    String judgeRubric) {

  public RunPlan(
      OrcasetConfig config, SystemPromptSet prompts, LicensePolicy policy, RunInfo info) {
    this(config, prompts, policy, info, null);
  }
}
