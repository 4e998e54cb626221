package dev.orcaset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the bundled prompts and policies are, and a minimal run config around them. */
public final class TestRuns {
  private TestRuns() {}

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
