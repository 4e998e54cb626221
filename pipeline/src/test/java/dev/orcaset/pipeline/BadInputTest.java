package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orcaset.TestRuns;
import dev.orcaset.cli.Main;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs a user really has: a `.jsonl.gz` cut short by a failed copy, a line in another encoding, a
 * 3 MB record, an output path that is a file. None may stop a run halfway or change bytes silently:
 * each is a rejection or a filtered row with its reason, file and line, or a clear error before
 * anything is sent.
 */
class BadInputTest {
  private static String row(String inputs) {
    return "{\"inputs\": \"" + inputs + "\", \"task_source\": \"NIv2\", \"task_name\": \"t\"}";
  }

  private static Path config(Path dir) throws Exception {
    Path cfg = TestRuns.config(dir, "concurrency: 4, max_input_tokens: 100000");
    Files.writeString(cfg, Files.readString(cfg).replace("paths: [in.jsonl]", "paths: [in/*]"));
    return cfg;
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = new Main(new PrintWriter(out, true), new PrintWriter(err, true)).run(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void truncatedGzip_notUtf8_andTooLong_areRecordedWithTheirReasons_andTheRunCompletes(
      @TempDir Path dir) throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    // 400 distinct lines gzipped, then cut: the stream ends inside the compressed data.
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
      for (int i = 0; i < 400; i++) {
        z.write(
            (row("question " + i + " " + "x".repeat(i % 50)) + "\n")
                .getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] whole = gz.toByteArray();
    Files.write(in.resolve("cut.jsonl.gz"), Arrays.copyOf(whole, whole.length / 2));

    List<byte[]> lines = new ArrayList<>();
    lines.add(row("a fine question").getBytes(StandardCharsets.UTF_8));
    // "café" in Latin-1: 0xE9 alone is not UTF-8.
    byte[] latin1 = row("caf\u00e9 au lait").getBytes(StandardCharsets.ISO_8859_1);
    lines.add(latin1);
    lines.add(row("another fine question").getBytes(StandardCharsets.UTF_8));
    lines.add(row("y".repeat(3_000_000)).getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream mixed = new ByteArrayOutputStream();
    for (byte[] l : lines) {
      mixed.write(l);
      mixed.write('\n');
    }
    Files.write(in.resolve("mixed.jsonl"), mixed.toByteArray());

    Path output = dir.resolve("out");
    Run r;
    long sent;
    try (SimulatedTeacher teacher = SimulatedTeacher.start(0, 0, 0)) {
      r =
          run(
              "run",
              "--config",
              config(dir).toString(),
              "--teacher-url",
              teacher.baseUrl(),
              "--output",
              output.toString(),
              "--runner=DirectRunner");
      sent = teacher.requestCount();
    }
    assertEquals(0, r.exit(), r.out() + r.err());

    JsonNode m = DatasetReader.manifest(output);
    assertTrue(m.at("/accounting/balanced").asBoolean(), m.toString());
    List<JsonNode> rejected = DatasetReader.jsonLines(output.resolve("rejected"));
    JsonNode unreadable =
        rejected.stream()
            .filter(j -> j.get("reason").asText().equals("unreadable_file"))
            .findFirst()
            .orElseThrow();
    assertTrue(unreadable.get("file").asText().endsWith("cut.jsonl.gz"), unreadable.toString());
    assertTrue(
        unreadable.get("detail").asText().contains("cannot be read past line"),
        unreadable.toString());
    long readFromCut =
        m.at("/counts/samples").asLong() - 2; // the two fine questions in mixed.jsonl
    assertTrue(
        readFromCut > 0 && readFromCut < 400, "the lines before the cut are kept: " + readFromCut);
    assertEquals(
        readFromCut + 1, unreadable.get("line").asLong(), "the rejection starts after them");

    JsonNode notUtf8 =
        rejected.stream()
            .filter(j -> j.get("reason").asText().equals("not_utf8"))
            .findFirst()
            .orElseThrow();
    assertTrue(notUtf8.get("file").asText().endsWith("mixed.jsonl"));
    assertEquals(2, notUtf8.get("line").asLong());
    assertTrue(notUtf8.get("detail").asText().contains("not valid UTF-8"), notUtf8.toString());
    assertEquals(2, rejected.size(), rejected.toString());

    JsonNode tooLong =
        DatasetReader.jsonLines(output.resolve("filtered")).stream()
            .filter(j -> j.get("reason").asText().equals("too_long"))
            .findFirst()
            .orElseThrow();
    assertEquals(4, tooLong.get("input_line").asLong());
    assertTrue(
        tooLong.get("detail").asText().contains("max_input_tokens = 100000"), tooLong.toString());
    assertEquals(m.at("/counts/samples").asLong(), sent, "the long input was never sent");
    for (var row : DatasetReader.rows(output.resolve("data"))) {
      assertTrue(!row.get("question").toString().contains("caf"), "no row with replaced bytes");
    }
  }

  @Test
  void anOutputPathThatIsAFile_isAConfigErrorNamingThePath(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("in"));
    Files.writeString(dir.resolve("in/a.jsonl"), row("q") + "\n");
    Path file = Files.writeString(dir.resolve("taken"), "not a folder");
    Run r =
        run(
            "run",
            "--config",
            config(dir).toString(),
            "--output",
            file.toString(),
            "--runner=DirectRunner");
    assertEquals(2, r.exit(), r.err());
    assertTrue(
        r.err().contains("output.dir: " + file + " is an existing file, not a folder"), r.err());
    assertEquals("not a folder", Files.readString(file), "the file is left alone");
  }
}
