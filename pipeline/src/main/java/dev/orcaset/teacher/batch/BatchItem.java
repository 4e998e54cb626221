package dev.orcaset.teacher.batch;

import dev.orcaset.cost.TokenEstimate;
import dev.orcaset.model.ChatRequest;

/** One request of a batch, identified by its request hash (the provider's `custom_id`). */
public record BatchItem(String customId, ChatRequest request) {
  /** The tokens it holds in the provider's queue while its batch runs, as OpenAI counts them. */
  public long enqueuedTokens() {
    return TokenEstimate.rateLimitCharge(
        request.systemPrompt().length() + request.userMessage().length(), request.maxTokens());
  }
}
