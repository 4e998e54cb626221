package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orcaset.TestRuns;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Beam's Spark runner on a local Spark with two threads gives the DirectRunner's dataset, and Spark
 * SQL reads it back.
 */
class SparkRunnerTest {
  @TempDir Path dir;

  @Test
  void sparkRunner_producesTheSameDatasetAsTheDirectRunner() throws Exception {
    Path config = FlanFixtures.write(dir, TestRuns.HOME);
    try (SimulatedTeacher teacher = SimulatedTeacher.start(0, 5, 3)) {
      CliRun direct =
          CliRun.run(config, teacher.baseUrl(), dir.resolve("direct"), "--runner=DirectRunner");
      CliRun spark =
          CliRun.run(
              config,
              teacher.baseUrl(),
              dir.resolve("spark"),
              "--runner=SparkRunner",
              "--sparkMaster=local[2]");
      assertEquals(0, direct.exit(), direct.err());
      assertEquals(0, spark.exit(), spark.out() + spark.err());
      assertEquals(DatasetReader.content(direct.output()), DatasetReader.content(spark.output()));
      assertEquals(
          DatasetReader.manifest(direct.output()).get("counts"),
          DatasetReader.manifest(spark.output()).get("counts"));
      readBackWithSparkSql(spark.output());
    }
  }

  /**
   * As a training team would: Spark SQL over the data folder, the Hive partition folders becoming
   * columns, agrees with the rows' own columns and the manifest.
   */
  private static void readBackWithSparkSql(Path output) throws Exception {
    List<GenericRecord> rows = DatasetReader.rows(output.resolve("data"));
    Map<String, Long> expected = new TreeMap<>();
    for (GenericRecord g : rows) {
      expected.merge(g.get("commercial_use") + "/" + g.get("license_tag"), 1L, Long::sum);
    }
    SparkSession spark =
        SparkSession.builder().master("local[1]").appName("read-orcaset").getOrCreate();
    try {
      spark.read().parquet(output.resolve("data").toString()).createOrReplaceTempView("orcaset");
      Map<String, Long> read = new TreeMap<>();
      for (Row r :
          spark
              .sql(
                  "SELECT commercial_use, license_tag, count(*) AS n FROM orcaset"
                      + " GROUP BY commercial_use, license_tag")
              .collectAsList()) {
        read.put(r.get(0) + "/" + r.get(1), r.getLong(2));
      }
      assertEquals(expected, read);
      assertEquals(
          DatasetReader.manifest(output).at("/counts/samples").asLong(),
          read.values().stream().mapToLong(Long::longValue).sum());
      List<Row> snapshots = spark.sql("SELECT DISTINCT snapshot FROM orcaset").collectAsList();
      assertEquals(1, snapshots.size(), "one snapshot, named by a partition column");
      assertEquals(
          rows.size(),
          spark.sql("SELECT count(DISTINCT request_hash) FROM orcaset").first().getLong(0));
    } finally {
      spark.stop();
    }
  }
}
