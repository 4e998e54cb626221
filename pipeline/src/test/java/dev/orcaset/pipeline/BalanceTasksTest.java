package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.config.SamplingConfig;
import dev.orcaset.config.SubmixConfig;
import dev.orcaset.model.DroppedRecord;
import dev.orcaset.model.FlanRecord;
import dev.orcaset.model.Hashes;
import dev.orcaset.model.Origin;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.jupiter.api.Test;

/**
 * Task-balanced quotas on a skewed submix (one task 90% of the rows): every task gets the same
 * share as far as it has rows, each keeps its share's smallest hashes, the largest task's share is
 * bounded as computed, a larger quota only adds rows, and the DirectRunner and Flink keep the same
 * rows.
 */
class BalanceTasksTest {
  private static final long SEED = 42;
  private static final ConcurrentLinkedQueue<String> KEPT = new ConcurrentLinkedQueue<>();
  private static final ConcurrentLinkedQueue<String> DROPPED = new ConcurrentLinkedQueue<>();

  private static List<FlanRecord> skewed() {
    List<FlanRecord> rows = new ArrayList<>();
    int i = 0;
    for (int k = 0; k < 9_000; k++) {
      rows.add(record("big", i++));
    }
    for (int t = 0; t < 10; t++) {
      for (int k = 0; k < 100; k++) {
        rows.add(record("small" + t, i++));
      }
    }
    for (int t = 0; t < 3; t++) {
      for (int k = 0; k < 5; k++) {
        rows.add(record("tiny" + t, i++));
      }
    }
    for (int k = 0; k < 50; k++) {
      rows.add(new FlanRecord("T0 q " + k, "t", "T0", "t0", "zs_opt", 0, new Origin("f", k)));
    }
    return rows;
  }

  private static FlanRecord record(String task, int i) {
    return new FlanRecord(
        "NIv2 question " + i, "t", "NIv2", task, "zs_opt", 0, new Origin("in.jsonl", i + 1));
  }

  private static Set<String> run(long quota, String runner) {
    KEPT.clear();
    DROPPED.clear();
    Map<String, SubmixConfig> submixes = new HashMap<>();
    submixes.put("NIv2", new SubmixConfig(quota, null, "task"));
    submixes.put("T0", new SubmixConfig(null, null));
    Pipeline p =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs("--runner=" + runner, "--parallelism=2").create());
    PCollectionTuple out =
        p.apply(Create.of(skewed()).withCoder(Outcomes.RECORD_CODER))
            .apply(new SampleSubmixes(new SamplingConfig(SEED, true, submixes), null));
    out.get(Outcomes.RECORDS)
        .apply(
            ParDo.of(
                new DoFn<FlanRecord, Void>() {
                  @ProcessElement
                  public void process(@Element FlanRecord r) {
                    KEPT.add(r.id() + "|" + r.taskName());
                  }
                }));
    out.get(Outcomes.DROPPED)
        .apply(
            ParDo.of(
                new DoFn<DroppedRecord, Void>() {
                  @ProcessElement
                  public void process(@Element DroppedRecord d) {
                    DROPPED.add(d.taskName() + "|" + d.detail());
                  }
                }));
    p.run().waitUntilFinish();
    return new TreeSet<>(KEPT);
  }

  @Test
  void sharesAreEqualAsFarAsTasksHaveRows_andNested() {
    Map<String, Long> counts = new HashMap<>();
    counts.put("big", 9_000L);
    for (int t = 0; t < 10; t++) {
      counts.put("small" + t, 100L);
    }
    for (int t = 0; t < 3; t++) {
      counts.put("tiny" + t, 5L);
    }
    Map<String, Long> s = BalanceTasks.shares(counts, 1_000, SEED);
    assertEquals(1_000, s.values().stream().mapToLong(Long::longValue).sum());
    // 3 tiny tasks keep their 5; 11 tasks share 985: 89 each, and 6 of them one more.
    assertEquals(5, s.get("tiny0"));
    assertTrue(s.get("big") == 89 || s.get("big") == 90, s.toString());
    assertEquals(6, s.values().stream().filter(n -> n == 90).count(), s.toString());
    Map<String, Long> previous = Map.of();
    for (long quota = 0; quota <= 11_000; quota += 250) {
      Map<String, Long> now = BalanceTasks.shares(counts, quota, SEED);
      assertEquals(Math.min(quota, 10_015), now.values().stream().mapToLong(Long::longValue).sum());
      for (Map.Entry<String, Long> e : previous.entrySet()) {
        assertTrue(now.get(e.getKey()) >= e.getValue(), "nested at " + quota + ": " + e);
      }
      previous = now;
    }
  }

  @Test
  void aSkewedSubmix_keepsEachTasksShareOfSmallestHashes_onBothRunners() {
    Set<String> direct = run(1_000, "DirectRunner");
    Map<String, List<String>> byTask =
        direct.stream().collect(Collectors.groupingBy(k -> k.substring(k.indexOf('|') + 1)));
    Map<String, Long> counts = new HashMap<>();
    skewed().stream()
        .filter(r -> r.submix().configName().equals("NIv2"))
        .forEach(r -> counts.merge(r.taskName(), 1L, Long::sum));
    Map<String, Long> shares = BalanceTasks.shares(counts, 1_000, SEED);
    assertEquals(50, byTask.get("t0").size(), "T0 has no quota: all kept");
    for (Map.Entry<String, Long> e : shares.entrySet()) {
      List<String> kept = byTask.get(e.getKey());
      assertEquals(e.getValue(), kept.size(), e.getKey());
      Set<String> smallest =
          skewed().stream()
              .filter(r -> e.getKey().equals(r.taskName()))
              .sorted(Comparator.comparingDouble(r -> Hashes.unitInterval(SEED, "sample", r.id())))
              .limit(e.getValue())
              .map(r -> r.id() + "|" + r.taskName())
              .collect(Collectors.toSet());
      assertEquals(smallest, new TreeSet<>(kept), e.getKey());
    }
    long big = byTask.get("big").size();
    assertTrue(big <= 90, "the largest task's share is bounded: " + big + " of 1000");
    assertEquals(10_015 - 1_000, DROPPED.size());
    assertTrue(
        DROPPED.stream()
            .anyMatch(
                d ->
                    d.startsWith(
                        "big|task big keeps "
                            + shares.get("big")
                            + ", its share of"
                            + " sampling.submixes.NIv2.max_rows (balance: task)")),
        DROPPED.peek());

    Set<String> larger = run(1_500, "DirectRunner");
    assertTrue(larger.containsAll(direct), "a larger quota only adds rows");
    assertEquals(1_500 + 50, larger.size());

    assertEquals(direct, run(1_000, "FlinkRunner"), "Flink keeps the same rows");
  }
}
