package dev.orcaset.teacher;

import java.io.IOException;
import java.util.function.LongConsumer;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Reports how long the server took to answer each successful attempt. The innermost layer, so waits
 * for rate-limit budget and retry backoff are not counted. For a non-streamed answer the headers
 * arrive with the whole answer; for a stream this is the time to the first token, which also grows
 * when the server queues requests.
 */
final class LatencyInterceptor implements Interceptor {
  private final LongConsumer listener;

  LatencyInterceptor(LongConsumer listener) {
    this.listener = listener;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    long start = System.nanoTime();
    Response response = chain.proceed(chain.request());
    if (response.isSuccessful()) {
      listener.accept(System.nanoTime() - start);
    }
    return response;
  }
}
