package dev.orcaset.teacher.batch;

import dev.orcaset.model.ChatRequest;

/** One request of a batch, identified by its request hash (the provider's `custom_id`). */
public record BatchItem(String customId, ChatRequest request) {}
