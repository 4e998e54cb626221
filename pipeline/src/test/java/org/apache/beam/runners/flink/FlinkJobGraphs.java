package org.apache.beam.runners.flink;

import org.apache.beam.sdk.Pipeline;
import org.apache.flink.api.common.Plan;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.optimizer.DataStatistics;
import org.apache.flink.optimizer.Optimizer;
import org.apache.flink.optimizer.plantranslate.JobGraphGenerator;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;

/**
 * The Flink job graph Beam's Flink runner submits for a batch pipeline, compiled as Flink's client
 * compiles it, without running it (the runner's translation is package-private, hence this class's
 * package).
 */
public final class FlinkJobGraphs {
  private FlinkJobGraphs() {}

  /** Job vertices (each a task per unit of parallelism) and the operators chained into them. */
  public record Size(int vertices, int operators) {}

  public static Size of(Pipeline pipeline, FlinkPipelineOptions options) {
    FlinkPipelineExecutionEnvironment env = new FlinkPipelineExecutionEnvironment(options);
    env.translate(pipeline);
    Plan plan = env.getBatchExecutionEnvironment().createProgramPlan("size");
    Configuration conf = new Configuration();
    JobGraph graph =
        new JobGraphGenerator(conf)
            .compileJobGraph(new Optimizer(new DataStatistics(), conf).compile(plan));
    int operators = 0;
    for (JobVertex v : graph.getVertices()) {
      if (Boolean.getBoolean("orcaset.printVertices")) {
        System.out.println("VERTEX " + v.getName());
      }
      operators += Math.max(1, v.getOperatorIDs().size());
    }
    return new Size(graph.getNumberOfVertices(), operators);
  }
}
