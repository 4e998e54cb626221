package dev.orcaset.teacher;

import dev.orcaset.model.ChatCompletion;
import dev.orcaset.teacher.TeacherException.Kind;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Sends one request without blocking and turns its response into an answer with a provider-specific
 * {@link Reader}: transport failures and unreadable bodies become retryable {@link
 * TeacherException}s with the key redacted. The part every wire format shares.
 */
final class AsyncAnswer {
  private AsyncAnswer() {}

  /** Maps a response (success or error) to an answer or a {@link TeacherException}. */
  @FunctionalInterface
  interface Reader {
    ChatCompletion read(Response response, int attempts) throws IOException;
  }

  static CompletableFuture<ChatCompletion> send(
      OkHttpClient http, Request request, String apiKey, Reader reader) {
    CompletableFuture<ChatCompletion> result = new CompletableFuture<>();
    Request tagged = Attempts.tag(request);
    http.newCall(tagged)
        .enqueue(
            new Callback() {
              @Override
              public void onFailure(Call call, IOException e) {
                result.completeExceptionally(
                    e instanceof TeacherException
                        ? e
                        : new TeacherException(
                            Kind.RETRYABLE,
                            Redactor.redact("request failed: " + e, apiKey),
                            Attempts.of(tagged),
                            e));
              }

              @Override
              public void onResponse(Call call, Response response) {
                try (response) {
                  result.complete(reader.read(response, Attempts.of(tagged)));
                } catch (TeacherException e) {
                  result.completeExceptionally(e);
                } catch (IOException | RuntimeException e) {
                  result.completeExceptionally(
                      new TeacherException(
                          Kind.RETRYABLE,
                          Redactor.redact("could not read the answer: " + e, apiKey),
                          Attempts.of(tagged),
                          e));
                }
              }
            });
    return result;
  }
}
