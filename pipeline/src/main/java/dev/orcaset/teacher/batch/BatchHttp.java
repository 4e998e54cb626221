package dev.orcaset.teacher.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orcaset.teacher.ErrorClassifier;
import dev.orcaset.teacher.Redactor;
import dev.orcaset.teacher.TeacherException;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The synchronous calls of the batch APIs, through the teacher's OkHttp stack (auth, retry with
 * backoff): JSON answers, streamed line by line for result files, errors as {@link
 * TeacherException}s with the key redacted.
 */
final class BatchHttp {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OkHttpClient http;
  private final AtomicLong calls = new AtomicLong();
  private final String apiKey;
  private final String apiKeyEnv;

  BatchHttp(OkHttpClient http, String apiKeyEnv, String apiKey) {
    this.http = http;
    this.apiKeyEnv = apiKeyEnv;
    this.apiKey = apiKey;
  }

  /** HTTP calls made so far (retries inside the stack not counted). */
  long calls() {
    return calls.get();
  }

  JsonNode json(Request request) throws IOException {
    calls.incrementAndGet();
    try (Response r = http.newCall(request).execute()) {
      String body = r.body() == null ? "" : r.body().string();
      check(request, r, body);
      return JSON.readTree(body);
    }
  }

  void lines(Request request, Consumer<String> sink) throws IOException {
    calls.incrementAndGet();
    try (Response r = http.newCall(request).execute()) {
      if (!r.isSuccessful()) {
        check(request, r, r.body() == null ? "" : r.body().string());
      }
      try (BufferedReader in = new BufferedReader(r.body().charStream())) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (!line.isBlank()) {
            sink.accept(line);
          }
        }
      }
    }
  }

  /**
   * Streams a results file, each line parsed by {@code parse}; lines it returns null for are
   * skipped.
   */
  void results(Request request, Function<String, BatchResult> parse, Consumer<BatchResult> sink)
      throws IOException {
    lines(
        request,
        line -> {
          BatchResult r = parse.apply(line);
          if (r != null) {
            sink.accept(r);
          }
        });
  }

  private void check(Request request, Response r, String body) throws TeacherException {
    if (r.isSuccessful()) {
      return;
    }
    ErrorClassifier.ProviderError e = ErrorClassifier.parse(body);
    TeacherException.Kind kind = ErrorClassifier.classify(r.code(), e);
    String hint =
        r.code() == 401 || r.code() == 403 ? Redactor.checkKeyHint(apiKeyEnv, apiKey) : "";
    // Any error of the batch endpoints stops the run: rows cannot be told apart from each other
    // here.
    throw new TeacherException(
        kind == TeacherException.Kind.PERMANENT ? TeacherException.Kind.FATAL : kind,
        r.code(),
        e.code(),
        Redactor.redact(
            request.method()
                + " "
                + request.url().encodedPath()
                + ": HTTP "
                + r.code()
                + (e.code() == null ? "" : " (" + e.code() + ")")
                + ": "
                + e.message()
                + hint,
            apiKey),
        1);
  }
}
