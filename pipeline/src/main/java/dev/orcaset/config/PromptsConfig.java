package dev.orcaset.config;

import java.io.Serializable;

/** `prompts`: the folder of system prompts with its `index.yaml`. */
public record PromptsConfig(String dir) implements Serializable {}
