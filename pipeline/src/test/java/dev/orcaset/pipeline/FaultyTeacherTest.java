package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orcaset.TestRuns;
import dev.orcaset.cli.Main;
import dev.orcaset.teacher.sim.SimulatedAnswers;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A teacher that misbehaves like a loaded provider: per-second rate limits answered with 429s and
 * rate-limit headers, 5% 500s, 1% dropped connections. Every input must end as a sample or a
 * failure, and no question may be answered (billed) twice.
 */
class FaultyTeacherTest {
  static final int INPUTS = 300;

  @Test
  void everyRowIsAccountedFor_andNothingIsAnsweredTwice(@TempDir Path dir) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < INPUTS; i++) {
      lines.add(
          "{\"inputs\": \"Question " + i + ": why is the sky blue?\", \"task_source\": \"T0\"}");
    }
    Files.write(dir.resolve("in.jsonl"), lines);
    Path cfg = TestRuns.config(dir, "concurrency: 32, max_attempts: 8, rpm: 3000, max_tokens: 256");
    // The server allows 3,000 RPM, enforced per second (50/s); the client is told the same.
    var options = new SimulatedTeacher.Options(0, 20, 10, 3_000, 0, 0.05, 0.01, 7);
    try (SimulatedTeacher sim = SimulatedTeacher.start(options)) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int exit =
          new Main(new PrintWriter(out, true), new PrintWriter(err, true))
              .run(
                  "run",
                  "--config",
                  cfg.toString(),
                  "--teacher-url",
                  sim.baseUrl(),
                  "--runner=DirectRunner");
      assertEquals(0, exit, out + "\n" + err);

      Path output = dir.resolve("out");
      JsonNode counts = DatasetReader.manifest(output).get("counts");
      List<GenericRecord> rows = DatasetReader.rows(output.resolve("data"));
      List<JsonNode> failed = DatasetReader.jsonLines(output.resolve("failed"));
      assertEquals(INPUTS, counts.get("input_records").asInt());
      assertEquals(INPUTS, rows.size() + failed.size(), "samples + failed = inputs");
      assertEquals(rows.size(), counts.get("samples").asInt());
      for (GenericRecord g : rows) {
        assertEquals(
            SimulatedAnswers.answer(
                g.get("system_prompt").toString(), g.get("question").toString()),
            g.get("response").toString());
      }
      assertTrue(
          sim.injectedErrorCount() > 0 && sim.droppedConnectionCount() > 0,
          "faults were injected: "
              + sim.injectedErrorCount()
              + " errors, "
              + sim.droppedConnectionCount()
              + " resets");
      assertTrue(
          sim.answeredByHash().values().stream().allMatch(n -> n.get() == 1),
          "no question answered twice");
      assertEquals(rows.size(), sim.answeredByHash().size());
      // The client paces itself at the server's limit: 429s stay a small share of requests.
      double share429 = sim.rateLimitedCount() / (double) sim.requestCount();
      System.out.printf(
          "faulty teacher: %d inputs, %d samples, %d failed, %d HTTP requests, %d 429s (%.1f%%), %d"
              + " 500s, %d resets%n",
          INPUTS,
          rows.size(),
          failed.size(),
          sim.requestCount(),
          sim.rateLimitedCount(),
          100 * share429,
          sim.injectedErrorCount(),
          sim.droppedConnectionCount());
      assertTrue(share429 < 0.10, "429 share " + share429 + " of " + sim.requestCount());
      long attempts = DatasetReader.manifest(output).at("/teacher_usage/http_attempts").asLong();
      assertTrue(attempts > INPUTS, "retries are counted: " + attempts);
    }
  }
}
