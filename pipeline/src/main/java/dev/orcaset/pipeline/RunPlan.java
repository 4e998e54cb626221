package dev.orcaset.pipeline;

import dev.orcaset.config.OrcasetConfig;
import dev.orcaset.license.LicensePolicy;
import dev.orcaset.prompts.SystemPromptSet;

/**
 * Everything a run needs, loaded and validated on the launching machine before the pipeline is
 * built: workers get prompts and policy as data and never read local files.
 */
public record RunPlan(
    OrcasetConfig config, SystemPromptSet prompts, LicensePolicy policy, RunInfo info) {}
