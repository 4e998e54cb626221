package dev.orcaset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where the bundled prompts and policies are, and a minimal run config around them. */
public final class TestRuns {
  private TestRuns() {}

  /** The JSON lines of a test resource, e.g. a labelled sample. */
  public static List<JsonNode> resourceLines(String resource) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                TestRuns.class.getResourceAsStream(resource), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        out.add(json.readTree(line));
      }
    }
    return out;
  }

  /** The project root (set by Surefire), holding system-prompts/ and config/. */
  public static final Path HOME =
      Path.of(System.getProperty("orcaset.home", "..")).toAbsolutePath().normalize();

  /**
   * Writes {@code dir/run.yaml} reading {@code dir/in.jsonl} with sampling off, the bundled prompts
   * and license policy, and the simulated teacher with {@code teacherFields} added (a YAML flow
   * map's inner text, e.g. "concurrency: 4").
   */
  public static Path config(Path dir, String teacherFields) throws IOException {
    return config(dir, "m", teacherFields);
  }

  /** As {@link #config(Path, String)}, with the teacher's model named. */
  public static Path config(Path dir, String model, String teacherFields) throws IOException {
    Path cfg = dir.resolve("run.yaml");
    Files.writeString(
        cfg,
        """
        input: {paths: [in.jsonl]}
        output: {dir: out}
        sampling: {enabled: false}
        prompts: {dir: %s}
        teacher: {provider: simulated, model: %s, api_key_env: ORCASET_TEST_KEY_THAT_IS_NOT_SET%s}
        license: {policy: %s}
        """
            .formatted(
                HOME.resolve("system-prompts"),
                model,
                teacherFields.isBlank() ? "" : ", " + teacherFields,
                HOME.resolve("config/licenses.yaml")));
    return cfg;
  }
}
