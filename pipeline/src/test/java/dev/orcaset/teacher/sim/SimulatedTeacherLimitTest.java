package dev.orcaset.teacher.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedTeacherLimitTest {
  /**
   * A sliding window of one request a second, asked five times at once: one answer and four 429s,
   * all in the first second of the timeline the bench reports (where in a run a limiter is refused
   * is what tells a start-up storm from probing).
   */
  @Test
  void countsEach429AndEachAdmissionInTheSecondItCameIn() throws Exception {
    SimulatedTeacher.Options options =
        new SimulatedTeacher.Options(
            0, 0, 0, 60, 0, 0, 0, 1, 0, WindowLimit.Style.SLIDING, 1, true, true);
    try (SimulatedTeacher sim = SimulatedTeacher.start(options)) {
      HttpClient http = HttpClient.newHttpClient();
      List<Integer> codes = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        HttpRequest request =
            HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/chat/completions"))
                .header("content-type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"question "
                            + i
                            + "\"}]}"))
                .build();
        codes.add(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
      }
      assertEquals(List.of(200, 429, 429, 429, 429), codes);
      assertEquals(4, sim.rateLimitedCount());
      assertArrayEquals(new long[] {4}, sim.refusedBySecond());
      assertArrayEquals(new long[] {1}, sim.admittedBySecond());
    }
  }
}
