package dev.orcaset.teacher.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orcaset.teacher.ErrorClassifier;
import dev.orcaset.teacher.Redactor;
import dev.orcaset.teacher.TeacherException;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The synchronous calls of the batch APIs, through the teacher's OkHttp stack (auth, retry with
 * backoff): JSON answers, streamed line by line for result files, errors as
 * {@link TeacherException}s with the key redacted.
 */
final class BatchHttp {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OkHttpClient http;
  private final String apiKey;
  private final String apiKeyEnv;

  BatchHttp(OkHttpClient http, String apiKeyEnv, String apiKey) {
    this.http = http;
    this.apiKeyEnv = apiKeyEnv;
    this.apiKey = apiKey;
  }

  JsonNode json(Request request) throws IOException {
    try (Response r = http.newCall(request).execute()) {
      String body = r.body() == null ? "" : r.body().string();
      check(request, r, body);
      return JSON.readTree(body);
    }
  }

  void lines(Request request, Consumer<String> sink) throws IOException {
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

  private void check(Request request, Response r, String body) throws TeacherException {
    if (r.isSuccessful()) {
      return;
    }
    ErrorClassifier.ProviderError e = ErrorClassifier.parse(body);
    TeacherException.Kind kind = ErrorClassifier.classify(r.code(), e);
    String hint = r.code() == 401 || r.code() == 403
        ? " — check the API key in the environment variable " + apiKeyEnv + (apiKey == null ? " (it is not set)" : "")
        : "";
    // Any error of the batch endpoints stops the run: rows cannot be told apart from each other here.
    throw new TeacherException(kind == TeacherException.Kind.PERMANENT ? TeacherException.Kind.FATAL : kind, r.code(),
        e.code(), Redactor.redact(request.method() + " " + request.url().encodedPath() + ": HTTP " + r.code()
            + (e.code() == null ? "" : " (" + e.code() + ")") + ": " + e.message() + hint, apiKey), 1);
  }
}
