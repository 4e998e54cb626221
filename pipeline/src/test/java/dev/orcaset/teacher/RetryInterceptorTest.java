package dev.orcaset.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** The retry layer against a real server on loopback: attempts, failures kept, cancellation. */
class RetryInterceptorTest {
  @StartStop final MockWebServer server = new MockWebServer();

  private final List<Long> latencies = new ArrayList<>();

  private OkHttpClient client(int maxAttempts, Sleeper sleeper) {
    return new OkHttpClient.Builder()
        .retryOnConnectionFailure(false)
        .addInterceptor(
            new RetryInterceptor(
                maxAttempts,
                Duration.ofMillis(1),
                Duration.ofMillis(5),
                Duration.ofMinutes(1),
                sleeper,
                Clock.systemUTC(),
                () -> 0.5,
                RetryInterceptor.RetryListener.NONE))
        .addNetworkInterceptor(new LatencyInterceptor(latencies::add))
        .build();
  }

  private static MockResponse dropped() {
    return new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build();
  }

  @Test
  void theAttemptsOfACallAreCountedOnItsRequestTag() throws Exception {
    server.enqueue(new MockResponse.Builder().code(503).body("busy").build());
    server.enqueue(new MockResponse.Builder().code(503).body("busy").build());
    server.enqueue(new MockResponse.Builder().code(200).body("{}").build());
    Request request = Attempts.tag(new Request.Builder().url(server.url("/v1")).build());
    try (Response r = client(5, ms -> {}).newCall(request).execute()) {
      assertEquals(200, r.code());
      assertEquals(null, r.header("Orcaset-Attempts"), "no made-up header on the response");
    }
    assertEquals(3, Attempts.of(request));
    assertEquals(3, server.getRequestCount());
    assertEquals(1, latencies.size(), "the network layer times successful attempts only");
  }

  @Test
  void whenEveryAttemptFails_theLatestFailureIsTheCause_andTheEarlierOnesAreSuppressed() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(dropped());
    }
    Request request = Attempts.tag(new Request.Builder().url(server.url("/v1")).build());
    TeacherException e =
        assertThrows(
            TeacherException.class, () -> client(3, ms -> {}).newCall(request).execute().close());
    assertEquals(3, e.attempts());
    assertEquals(3, Attempts.of(request));
    assertTrue(e.getCause() instanceof IOException, "cause: " + e.getCause());
    assertEquals(2, e.getCause().getSuppressed().length, "the two earlier failures");
    for (Throwable earlier : e.getCause().getSuppressed()) {
      assertTrue(earlier != e.getCause());
    }
  }

  @Test
  void aCallCancelledDuringBackoffIsNotAttemptedAgain() throws Exception {
    server.enqueue(new MockResponse.Builder().code(503).body("busy").build());
    server.enqueue(new MockResponse.Builder().code(200).body("{}").build());
    Call[] call = new Call[1];
    OkHttpClient c =
        client(
            5,
            ms -> {
              call[0].cancel(); // the worker stops while this call waits to retry
            });
    call[0] = c.newCall(new Request.Builder().url(server.url("/v1")).build());
    IOException e = assertThrows(IOException.class, () -> call[0].execute().close());
    assertTrue(String.valueOf(e.getMessage()).contains("anceled"), e.toString());
    assertEquals(1, server.getRequestCount(), "nothing sent after the cancel");
  }
}
