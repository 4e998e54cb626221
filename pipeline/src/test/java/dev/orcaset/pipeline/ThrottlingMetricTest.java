package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.TestRuns;
import dev.orcaset.config.ConfigLoader;
import dev.orcaset.config.OrcasetConfig;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run held back by the teacher's rate limit tells the runner so, through Beam's throttling
 * counter (`beam-throttling-metrics` / `throttling-msecs`), which Dataflow's autoscaler reads so it
 * does not add workers that would only wait.
 */
class ThrottlingMetricTest {
  @Test
  void aRateLimitedRunReportsItsWaitingTimeToTheRunner(@TempDir Path dir) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      lines.add("{\"inputs\": \"question " + i + "\"}");
    }
    Files.write(dir.resolve("in.jsonl"), lines);
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 0, 0)) {
      OrcasetConfig loaded = ConfigLoader.load(TestRuns.config(dir, "concurrency: 8"));
      // 1,200 RPM: 20 a second, so 40 questions wait about two seconds in all.
      OrcasetConfig cfg =
          loaded.withTeacher(
              loaded.teacher().toBuilder()
                  .provider("openai-compatible")
                  .baseUrl(sim.baseUrl())
                  .rpm(1_200L)
                  .build());
      PipelineOptions options = PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create();
      Pipeline p = Pipeline.create(options);
      OrcasetPipeline.build(p, TestPlans.of(cfg, "throttled-run", dir + "/out"));
      PipelineResult result = p.run();
      result.waitUntilFinish();

      long throttledMillis = 0;
      for (MetricResult<Long> c :
          result
              .metrics()
              .queryMetrics(
                  MetricsFilter.builder()
                      .addNameFilter(
                          MetricNameFilter.named(
                              Metrics.THROTTLE_TIME_NAMESPACE, Metrics.THROTTLE_TIME_COUNTER_NAME))
                      .build())
              .getCounters()) {
        throttledMillis += c.getAttempted();
      }
      assertEquals(40, sim.requestCount());
      // Paced at 97% of 20/s with a 20 ms burst: the 40th waits about two seconds, and every
      // request before it its share, so the waits add up to far more than a second.
      assertTrue(throttledMillis > 1_000, "throttled " + throttledMillis + " ms");
    }
  }
}
