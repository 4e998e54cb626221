package dev.orcaset.pipeline;

import dev.orcaset.model.FlanRecord;
import dev.orcaset.model.Hashes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Fills task-balanced quotas as the Orca paper sampled NIv2, T0 and Flan2021: tasks first, then
 * examples within the task, so large tasks do not crowd out small ones. Exactly: the per-task share
 * c is the largest with Σ min(n_task, c) ≤ quota, the rest of the quota goes one row each to tasks
 * with more than c rows in an order fixed by the hash of their name, and each task keeps its
 * share's smallest hashes. Raising the quota only adds rows. Computed from row counts per task (a
 * submix's task counts meet in one place; FLAN has under 2,000 tasks), never from lists of a task's
 * rows.
 *
 * <p>Input: records; those of submixes without a quota here pass through. Output: {@link
 * Outcomes#RECORDS}, and {@link Outcomes#DROPPED} with reason over_quota naming the task's share.
 */
final class BalanceTasks extends PTransform<PCollection<FlanRecord>, PCollectionTuple> {
  private final Map<String, Long> quotas;
  private final long seed;

  /** {@code quotas}: submix (config name) → its task-balanced quota. */
  BalanceTasks(Map<String, Long> quotas, long seed) {
    this.quotas = Map.copyOf(quotas);
    this.seed = seed;
  }

  @Override
  public PCollectionTuple expand(PCollection<FlanRecord> records) {
    PCollectionView<Map<String, Long>> shares =
        records
            .apply(
                "TaskOf",
                ParDo.of(
                    new DoFn<FlanRecord, String>() {
                      @ProcessElement
                      public void process(@Element FlanRecord r, OutputReceiver<String> out) {
                        if (quotas.containsKey(r.submix().configName())) {
                          out.output(SampleSubmixes.Cap.taskGroup(r));
                        }
                      }
                    }))
            .setCoder(StringUtf8Coder.of())
            .apply("RowsPerTask", Count.perElement())
            .apply(
                "BySubmix",
                ParDo.of(
                    new DoFn<KV<String, Long>, KV<String, KV<String, Long>>>() {
                      @ProcessElement
                      public void process(
                          @Element KV<String, Long> n,
                          OutputReceiver<KV<String, KV<String, Long>>> out) {
                        int cut = n.getKey().indexOf('\u0000');
                        out.output(
                            KV.of(
                                n.getKey().substring(0, cut),
                                KV.of(n.getKey().substring(cut + 1), n.getValue())));
                      }
                    }))
            .setCoder(
                KvCoder.of(
                    StringUtf8Coder.of(), KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())))
            .apply("TasksOfSubmix", GroupByKey.create())
            .apply(
                "TaskShares",
                ParDo.of(
                    new DoFn<KV<String, Iterable<KV<String, Long>>>, KV<String, Long>>() {
                      @ProcessElement
                      public void process(
                          @Element KV<String, Iterable<KV<String, Long>>> submix,
                          OutputReceiver<KV<String, Long>> out) {
                        Map<String, Long> counts = new HashMap<>();
                        submix.getValue().forEach(kv -> counts.put(kv.getKey(), kv.getValue()));
                        // Shares by task name, so the order of the extra rows is the same
                        // whichever submix a task is in.
                        shares(counts, quotas.get(submix.getKey()), seed)
                            .forEach(
                                (task, share) ->
                                    out.output(KV.of(submix.getKey() + "\u0000" + task, share)));
                      }
                    }))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
            .apply("NeverEmpty", new WithPlaceholder<>(KV.of(SampleSubmixes.Cap.NO_GROUP, 0L)))
            .apply("SharesAsMap", View.asMap());
    return records.apply("KeepTaskShares", new SampleSubmixes.Cap(shares, seed));
  }

  /**
   * Each task's share of {@code quota}: all its rows when the tasks hold no more than the quota;
   * else the largest c with Σ min(n, c) ≤ quota, plus one for the first (quota − Σ) tasks with more
   * than c rows, in the order of a hash of (seed, task). Nested: a larger quota never gives a task
   * fewer rows.
   */
  static Map<String, Long> shares(Map<String, Long> counts, long quota, long seed) {
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    if (total <= quota) {
      return Map.copyOf(counts);
    }
    long lo = 0;
    long hi = counts.values().stream().mapToLong(Long::longValue).max().orElse(0);
    while (lo < hi) { // the largest c with taken(c) <= quota
      long mid = (lo + hi + 1) / 2;
      if (taken(counts, mid) <= quota) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    long c = lo;
    long left = quota - taken(counts, c);
    List<String> larger = new ArrayList<>();
    counts.forEach(
        (task, n) -> {
          if (n > c) {
            larger.add(task);
          }
        });
    larger.sort(
        Comparator.comparingDouble((String t) -> Hashes.unitInterval(seed, "task-share", t))
            .thenComparing(t -> t));
    Map<String, Long> out = new HashMap<>();
    counts.forEach((task, n) -> out.put(task, Math.min(n, c)));
    for (int i = 0; i < left; i++) {
      out.merge(larger.get(i), 1L, Long::sum);
    }
    return out;
  }

  private static long taken(Map<String, Long> counts, long c) {
    long sum = 0;
    for (long n : counts.values()) {
      sum += Math.min(n, c);
    }
    return sum;
  }
}
