package dev.orcaset.config;

import java.io.Serializable;

/**
 * `prompts`: the folder of system prompts with its `index.yaml`, and {@code trainingSystemPrompt},
 * the generic system prompt a student is trained with under prompt erasure (Orca 2): the detailed
 * prompt that produced an answer stays in `system_prompt`, this one fills `training_system_prompt`
 * (default empty), and `export --erase-prompts` writes the view that trains on it.
 */
public record PromptsConfig(String dir, String trainingSystemPrompt) implements Serializable {
  public PromptsConfig {
    trainingSystemPrompt = trainingSystemPrompt == null ? "" : trainingSystemPrompt;
  }

  public PromptsConfig(String dir) {
    this(dir, null);
  }

  public PromptsConfig withDir(String d) {
    return new PromptsConfig(d, trainingSystemPrompt);
  }
}
