package dev.orcaset.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orcaset.config.OrcasetConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prints the end-of-run summary from the manifest, so what the user reads is what was written. */
final class Summary {
  private final PrintWriter out;

  Summary(PrintWriter out) {
    this.out = out;
  }

  /** Returns the exit code: 1 if the accounting does not add up (a bug worth stopping for). */
  int print(OrcasetConfig cfg, JsonNode m) {
    String dir = cfg.output().dir();
    JsonNode c = m.path("counts");
    out.printf("orcaset: wrote %d samples to %s/data%n", c.path("samples").asLong(), dir);
    out.printf("  input records  %d = samples %d + rejected %d + failed %d + duplicates %d + filtered %d%n",
        c.path("input_records").asLong(), c.path("samples").asLong(), c.path("rejected").asLong(),
        c.path("failed").asLong(), c.path("duplicates").asLong(), c.path("filtered").asLong());
    out.printf("  by submix      %s%n", pairs(m.path("samples_by_source")));
    out.printf("  by license     %s%n", pairs(m.path("samples_by_license")));
    out.printf("  commercial_use %s%n", pairs(m.path("samples_by_commercial_use")));
    out.printf("  rejected       %d -> %s/rejected/  %s%n", c.path("rejected").asLong(), dir, pairs(m.path("rejected_by_reason")));
    out.printf("  failed         %d -> %s/failed/  %s%n", c.path("failed").asLong(), dir, pairs(m.path("failed_by_reason")));
    out.printf("  filtered       %d -> %s/filtered/  %s%n", c.path("duplicates").asLong() + c.path("filtered").asLong(),
        dir, pairs(m.path("dropped_by_reason")));
    JsonNode u = m.path("teacher_usage");
    out.printf("  teacher        %s/%s: %d requests, %d HTTP attempts, %d prompt + %d completion tokens%n",
        cfg.teacher().provider(), cfg.teacher().model(), u.path("requests").asLong(),
        u.path("http_attempts").asLong(), u.path("prompt_tokens").asLong(), u.path("completion_tokens").asLong());
    out.printf("  manifest       %s/manifest.json (%.1f s)%n", dir, m.path("run").path("wall_seconds").asDouble());
    out.flush();
    if (!m.path("accounting").path("balanced").asBoolean()) {
      out.printf("orcaset: ERROR: %d input records are not accounted for; please report this with the manifest%n",
          m.path("accounting").path("unaccounted").asLong());
      out.flush();
      return 1;
    }
    return 0;
  }

  private static String pairs(JsonNode obj) {
    List<String> parts = new ArrayList<>();
    obj.fields().forEachRemaining(e -> parts.add(e.getKey() + " " + e.getValue().asLong()));
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }
}
