package dev.orcaset.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.TestRuns;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new user's first mistake, a wrong API key, in a real `orcaset run` process on the default
 * runner (Flink in-process): the cause, what is saved and the resume command in a few lines; the
 * runner's stack traces in a log file the message names, with the key redacted there too.
 */
class FatalErrorTest {
  private static final String KEY = "sk-test-this-key-is-wrong-123456";

  @Test
  void aWrongKeyPrintsItsCauseInAFewLines_andTheStackTracesGoToTheNamedLog(@TempDir Path dir)
      throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      lines.add("{\"inputs\": \"q" + i + " [[sim:status=401:invalid_api_key]]\"}");
    }
    Files.write(dir.resolve("in.jsonl"), lines);
    Path cfg = TestRuns.config(dir, "");
    Files.writeString(
        cfg,
        Files.readString(cfg).replace("ORCASET_TEST_KEY_THAT_IS_NOT_SET", "ORCASET_FATAL_KEY"));
    Path log = dir.resolve("stderr.txt");
    int exit;
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 0, 0)) {
      ProcessBuilder pb =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx1g",
                  "-cp",
                  System.getProperty("java.class.path"),
                  "dev.orcaset.cli.Main",
                  "run",
                  "--config",
                  cfg.toString(),
                  "--teacher-url",
                  sim.baseUrl())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().put("ORCASET_FATAL_KEY", KEY);
      Process p = pb.start();
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run did not stop");
      exit = p.exitValue();
    }
    List<String> said = Files.readAllLines(log);
    String text = String.join("\n", said);
    assertEquals(1, exit, text);
    assertTrue(said.size() <= 10, said.size() + " lines:\n" + text);
    assertTrue(text.contains("orcaset: stopped: HTTP 401 (invalid_api_key)"), text);
    assertTrue(text.contains("check the API key in the environment variable ORCASET_FATAL_KEY"));
    assertTrue(text.contains("Resume (only unanswered questions are sent) with:"), text);
    assertFalse(text.contains("\tat "), "no stack trace on the terminal:\n" + text);
    assertFalse(text.contains(KEY), "the key is redacted");

    Path logs = dir.resolve("out/.logs");
    List<Path> files;
    try (Stream<Path> s = Files.list(logs)) {
      files = s.toList();
    }
    assertEquals(1, files.size(), files.toString());
    assertTrue(text.contains("details (the runner's stack traces) in " + files.get(0)), text);
    String trace = Files.readString(files.get(0));
    assertTrue(trace.contains("TeacherException") && trace.contains("\tat "), trace);
    assertFalse(trace.contains(KEY), "the key is redacted in the log too");
  }
}
