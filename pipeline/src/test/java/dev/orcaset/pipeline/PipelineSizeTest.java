package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.TestRuns;
import dev.orcaset.config.ConfigLoader;
import dev.orcaset.config.OrcasetConfig;
import java.nio.file.Path;
import org.apache.beam.runners.flink.FlinkJobGraphs;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The size of the job a run submits to Flink: every job vertex is a task per unit of parallelism,
 * with its own network buffers, so stages whose split buys nothing cost a cluster memory. The
 * bounds are today's sizes; a change that grows the job must say why here.
 */
class PipelineSizeTest {
  /**
   * Job vertices and operators of a first run (no journal yet, so no lookup join). 93, was 88: each
   * quota is two passes now (a rank histogram finds the cut bucket, then only that bucket is ranked
   * exactly), so no worker holds a submix's ranks; the histogram is one more combine and one more
   * side input per quota.
   */
  static final int MAX_VERTICES = 93;

  static final int MAX_OPERATORS = 93;

  @Test
  void aRunsFlinkJobStaysWithinItsSize(@TempDir Path dir) throws Exception {
    OrcasetConfig cfg = ConfigLoader.load(FlanFixtures.write(dir, TestRuns.HOME));
    FlinkPipelineOptions options = PipelineOptionsFactory.as(FlinkPipelineOptions.class);
    options.setRunner(FlinkRunner.class);
    options.setFlinkMaster("[local]");
    options.setParallelism(2);
    Pipeline p = Pipeline.create(options);
    OrcasetPipeline.build(p, TestPlans.of(cfg, "size", dir + "/out"));
    FlinkJobGraphs.Size size = FlinkJobGraphs.of(p, options);
    System.out.println(
        "flink job: " + size.vertices() + " vertices, " + size.operators() + " operators");
    assertTrue(size.vertices() <= MAX_VERTICES, size.toString());
    assertTrue(size.operators() <= MAX_OPERATORS, size.toString());
  }
}
