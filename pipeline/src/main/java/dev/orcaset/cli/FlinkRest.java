package dev.orcaset.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orcaset.io.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GETs against a Flink JobManager's REST API, for the cluster command and a run's cancel. */
final class FlinkRest {
  private FlinkRest() {}

  static HttpClient client() {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  }

  /** The JSON at {@code base + path}; anything but 200 is an IOException naming the path. */
  static JsonNode get(HttpClient http, String base, String path)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(path + " answered " + r.statusCode());
    }
    return Json.mapper().readTree(r.body());
  }
}
