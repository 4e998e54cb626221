package dev.orcaset.pipeline;

import dev.orcaset.flan.FlanRecord;
import dev.orcaset.prompts.SystemPrompt;
import java.io.Serializable;

/** A sampled FLAN record paired with its system prompt: one question for the teacher. */
public record Query(String id, FlanRecord record, SystemPrompt systemPrompt) implements Serializable {
  public String submix() {
    return record.submix().configName();
  }
}
