package dev.orcaset.teacher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.cost.Price;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void theLineShowsDoneOfTotalTokensCostAndTroubles() {
    try (Progress p =
        new Progress(() -> 7, () -> 16, () -> 2, new Price("m", 1.0, 2.0, "s", "d"), null, 3600)) {
      p.total(10);
      p.answered(1_000_000, 500_000);
      p.answered(0, 0);
      p.failed();
      p.retried();
      String line = p.line();
      assertTrue(line.startsWith("teacher: 3/10 (30.0%), "), line);
      assertTrue(line.contains(", ETA "), line);
      assertTrue(
          line.matches(".*, [0-9.]+/s, [0-9]+ tok/s, .*"), "rows and tokens per second: " + line);
      assertTrue(
          line.contains(
              "7 in flight (limit 16), 1 retries, 2 429s, 1 failed, tokens 1000000 in / 500000"
                  + " out"),
          line);
      assertTrue(line.endsWith("~$2.0000"), "1M in at $1 + 0.5M out at $2: " + line);
    }
  }

  @Test
  void onATerminalTheLineIsRewrittenInPlace() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream terminal = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (Progress p = new Progress(() -> 0, () -> 16, () -> 0, null, terminal, 1)) {
      p.answered(1, 1);
      Thread.sleep(1_500);
    }
    String shown = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(shown.startsWith("\rteacher: 1, "), shown);
    assertTrue(shown.endsWith("\n"), "the last line is left in place");
    assertTrue(!shown.contains("~$"), "no price, no cost shown");
  }
}
