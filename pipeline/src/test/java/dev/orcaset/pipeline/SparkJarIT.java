package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.TestRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as spark-submit gets it: Beam's Spark runner inside, Spark itself and an unshaded
 * Guava not (a cluster's Spark puts its Guava 14 first), and a run asking for the Spark runner
 * outside Spark told how to submit it instead of failing on a missing class. The submission itself
 * runs in CI against a standalone Spark cluster (README, "Run on Spark").
 */
class SparkJarIT {
  private static final Path JAR = CliRun.JAR;

  @TempDir Path dir;

  @Test
  void theJarCarriesTheSparkRunner_butNotSparkNorAnUnshadedGuava() throws Exception {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertTrue(jar.getEntry("org/apache/beam/runners/spark/SparkRunner.class") != null);
      assertEquals(null, jar.getEntry("org/apache/spark/SparkContext.class"));
      assertEquals(null, jar.getEntry("com/google/common/base/Preconditions.class"));
      assertTrue(
          jar.getEntry("dev/orcaset/shaded/com/google/common/base/Preconditions.class") != null);
    }
  }

  @Test
  void theSparkRunnerOutsideSpark_exits2_sayingHowToSubmit() throws Exception {
    Path config = FlanFixtures.write(dir, TestRuns.HOME);
    List<String> cmd =
        CliRun.jarCommand(
            CliRun.args(
                config, "http://127.0.0.1:9/v1", dir.resolve("out"), "--runner=SparkRunner"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue(), said);
    assertTrue(said.contains("spark-submit --master spark://HOST:7077"), said);
    assertFalse(said.contains("NoClassDefFoundError"), said);
    assertFalse(Files.exists(dir.resolve("out/.journal")), "nothing was started");
  }
}
