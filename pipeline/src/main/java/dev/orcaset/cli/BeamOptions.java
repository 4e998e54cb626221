package dev.orcaset.cli;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** Beam's pipeline options from the command line, with orcaset's runner defaults. */
final class BeamOptions {
  private BeamOptions() {}

  /**
   * Without `--runner`, runs on Flink in-process: Beam's DirectRunner is built for tests, hands
   * records over one per bundle after a shuffle and pays a fixed cost per bundle, which makes even
   * small runs slow.
   */
  static PipelineOptions parse(List<String> beamArgs) {
    List<String> args = new ArrayList<>(beamArgs);
    if (args.contains("--runner=DirectRunner")
        && args.stream().noneMatch(a -> a.startsWith("--enforceImmutability="))) {
      // The check walks the whole pipeline graph for every bundle, and after a shuffle the
      // DirectRunner makes a bundle per key: it dominated small runs. Our elements are records.
      args.add("--enforceImmutability=false");
    }
    if (args.stream().noneMatch(a -> a.startsWith("--runner="))) {
      args.add("--runner=FlinkRunner");
      if (args.stream().noneMatch(a -> a.startsWith("--flinkMaster="))) {
        args.add("--flinkMaster=[local]");
      }
    }
    if (args.stream().noneMatch(a -> a.startsWith("--appName="))) {
      // Names the job in Flink's, Spark's and Dataflow's UIs (and the job a stop cancels).
      args.add("--appName=orcaset");
    }
    if (args.contains("--runner=SparkRunner") && !onClasspath("org.apache.spark.SparkContext")) {
      throw new UsageException(
          "--runner=SparkRunner runs inside Spark, whose jars are not in orcaset's: submit the jar"
              + " with Spark 3.5's spark-submit (Scala 2.12), e.g. $SPARK_HOME/bin/spark-submit"
              + " --master spark://HOST:7077 --class dev.orcaset.cli.Main"
              + " pipeline/target/orcaset.jar run --config ... --runner=SparkRunner (README: \"Run"
              + " on Spark\")");
    }
    try {
      PipelineOptions options =
          PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).withValidation().create();
      FileSystems.setDefaultPipelineOptions(options);
      return options;
    } catch (IllegalArgumentException e) {
      throw new UsageException("Beam option problem: " + e.getMessage());
    }
  }

  private static boolean onClasspath(String className) {
    try {
      Class.forName(className, false, BeamOptions.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
