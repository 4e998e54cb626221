package dev.orcaset.teacher;

import dev.orcaset.model.ChatCompletion;
import dev.orcaset.model.ChatRequest;
import java.util.concurrent.CompletableFuture;

/**
 * Asks a teacher model one question. Beam-free, so it is tested against a real HTTP server and
 * reused by every stage that needs answers. Completes exceptionally with a {@link TeacherException}
 * that says whether the row or the whole job failed.
 */
@FunctionalInterface
public interface TeacherClient {
  CompletableFuture<ChatCompletion> complete(ChatRequest request);
}
