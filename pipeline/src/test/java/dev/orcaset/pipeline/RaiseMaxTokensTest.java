package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orcaset.TestRuns;
import dev.orcaset.cli.Main;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raising {@code teacher.max_tokens} after a run that cut answers off asks again only the questions
 * whose answer ended at the old bound: finished answers do not depend on a bound they never
 * reached, so the journal's copies are reused (before, every question was paid for again).
 */
class RaiseMaxTokensTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Answer lengths in words (tokens are words × 4/3): 60 fits a bound of 100 tokens, 90 not. */
  private static final int[] WORDS = {20, 30, 40, 60, 90, 90, 120, 150};

  @Test
  void raisingTheBound_reasksExactlyTheTruncatedRows(@TempDir Path dir) throws Exception {
    List<String> lines = new ArrayList<>();
    Map<String, Integer> wordsByMarker = new HashMap<>();
    for (int i = 0; i < WORDS.length; i++) {
      String reply =
          IntStream.range(0, WORDS[i])
              .mapToObj(w -> "word" + w)
              .collect(Collectors.joining(" ", "Answer " + i + ": ", "."));
      lines.add(
          JSON.createObjectNode()
              .put("inputs", "Question " + i + ": explain. [[sim:reply=" + reply + "]]")
              .put("task_source", "T0")
              .toString());
      wordsByMarker.put("Question " + i + ":", WORDS[i]);
    }
    Files.write(dir.resolve("in.jsonl"), lines);
    long truncatedAt100 = 4; // 90, 90, 120 and 150 words (with "Answer i:") exceed 100 tokens

    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 0, 0)) {
      StringWriter said = new StringWriter();
      assertEquals(0, cli(dir, sim, 100, "run", said));
      JsonNode first = DatasetReader.manifest(dir.resolve("out"));
      assertEquals(truncatedAt100, first.at("/dropped_by_reason/finish_reason").asLong());
      assertEquals(WORDS.length, sim.requestCount());
      // The run says what it lost to the bound and what saving those rows would cost.
      JsonNode cut = first.get("truncated");
      assertEquals(truncatedAt100, cut.get("rows").asLong(), cut.toString());
      assertEquals(WORDS.length, cut.get("answered").asLong());
      assertEquals(200, cut.at("/reask/max_tokens").asInt());
      assertEquals(truncatedAt100 * 200, cut.at("/reask/completion_tokens_max").asLong());
      long prompt = 0;
      for (JsonNode f : DatasetReader.jsonLines(dir.resolve("out/filtered"))) {
        prompt += f.at("/sample/prompt_tokens").asLong();
      }
      assertEquals(prompt, cut.at("/reask/prompt_tokens").asLong());
      // gpt-4o-mini's listed price: $0.15 per million prompt tokens, $0.60 per million answer.
      double usd = (prompt * 0.15 + truncatedAt100 * 200 * 0.60) / 1e6;
      String line =
          String.format(
              java.util.Locale.ROOT,
              "  cut off        4 of 8 answers (50.0%%) hit max_tokens 100 (finish_reason length);"
                  + " asking only them again at max_tokens 200 costs at most $%.4f: raise"
                  + " teacher.max_tokens and run again (finished answers are reused)",
              usd);
      assertTrue(said.toString().contains(line), line + "\n" + said);
      System.out.println(line);
      assertTrue(
          Files.readString(dir.resolve("out/README.md")).contains("Cut off: 4 of 8 answers"),
          "the card says it too");

      assertEquals(0, cli(dir, sim, 400, "estimate"));
      JsonNode estimate = JSON.readTree(dir.resolve("out/estimate.json").toFile());
      assertEquals(truncatedAt100, estimate.get("questions").asLong(), estimate.toString());
      assertEquals(
          WORDS.length - truncatedAt100, estimate.get("reused_across_max_tokens").asLong());
      assertEquals(truncatedAt100, estimate.get("reasked_truncated").asLong());

      assertEquals(0, cli(dir, sim, 400, "run"));
      assertEquals(WORDS.length + truncatedAt100, sim.requestCount(), "only the cut-off re-asked");
      JsonNode journal = DatasetReader.manifest(dir.resolve("out")).get("journal");
      assertEquals(truncatedAt100, journal.get("questions_sent").asLong(), journal.toString());
      assertEquals(WORDS.length - truncatedAt100, journal.get("reused_across_max_tokens").asLong());
      assertEquals(truncatedAt100, journal.get("reasked_truncated").asLong());

      List<GenericRecord> rows = DatasetReader.rows(dir.resolve("out/data"));
      assertEquals(WORDS.length, rows.size(), "every answer now finished");
      for (GenericRecord r : rows) {
        assertEquals("stop", r.get("finish_reason").toString());
        String q = r.get("question").toString();
        int words = wordsByMarker.get(q.substring(0, q.indexOf(':') + 1));
        assertEquals(
            words + 2, r.get("response").toString().split(" ").length, "the whole answer: " + q);
      }

      // The same bound again: all from the journal, nothing sent.
      assertEquals(0, cli(dir, sim, 400, "run"));
      assertEquals(WORDS.length + truncatedAt100, sim.requestCount());
    }
  }

  private static int cli(Path dir, SimulatedTeacher sim, int maxTokens, String command)
      throws Exception {
    return cli(dir, sim, maxTokens, command, new StringWriter());
  }

  private static int cli(
      Path dir, SimulatedTeacher sim, int maxTokens, String command, StringWriter out)
      throws Exception {
    // A priced model name (the simulated teacher answers to any), so the cost line has a figure.
    Path cfg = TestRuns.config(dir, "gpt-4o-mini", "max_tokens: " + maxTokens);
    Files.writeString(
        cfg,
        Files.readString(cfg) + "pricing: " + TestRuns.HOME.resolve("config/pricing.yaml") + "\n");
    StringWriter err = new StringWriter();
    int exit =
        new Main(new PrintWriter(out, true), new PrintWriter(err, true))
            .run(
                command,
                "--config",
                cfg.toString(),
                "--teacher-url",
                sim.baseUrl(),
                "--runner=DirectRunner");
    if (exit != 0) {
      System.err.println(out + "\n" + err);
    }
    return exit;
  }
}
