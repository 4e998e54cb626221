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
    try {
      PipelineOptions options =
          PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).withValidation().create();
      FileSystems.setDefaultPipelineOptions(options);
      return options;
    } catch (IllegalArgumentException e) {
      throw new UsageException("Beam option problem: " + e.getMessage());
    }
  }
}
