package dev.orcaset.pipeline;

import dev.orcaset.config.SamplingConfig;
import dev.orcaset.config.SubmixConfig;
import dev.orcaset.model.DropReason;
import dev.orcaset.model.DroppedRecord;
import dev.orcaset.model.FlanRecord;
import dev.orcaset.model.Hashes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.util.VarInt;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Samples records per submix as the config says: drops submixes not sampled and template types not
 * kept, then keeps at most `max_rows` per submix (by record, or balanced over tasks: {@link
 * BalanceTasks}) and at most `limit` overall.
 *
 * <p>Which rows a cap keeps is decided by a hash of (seed, record id), not by arrival order: the
 * same seed and inputs give the same sample on any runner, and raising a quota only adds rows.
 *
 * <p>Output: {@link Outcomes#RECORDS} the sample; {@link Outcomes#DROPPED} the rest, with reasons
 * {@code submix_not_sampled}, {@code template_type_not_kept}, {@code over_quota}, {@code
 * over_limit}.
 */
public final class SampleSubmixes extends PTransform<PCollection<FlanRecord>, PCollectionTuple> {
  private final SamplingConfig sampling;
  private final Long limit;

  public SampleSubmixes(SamplingConfig sampling, Long limit) {
    this.sampling = sampling;
    this.limit = limit;
  }

  @Override
  public PCollectionTuple expand(PCollection<FlanRecord> records) {
    PCollection<FlanRecord> eligible = records;
    PCollectionList<DroppedRecord> dropped = PCollectionList.empty(records.getPipeline());
    if (sampling.enabled()) {
      PCollectionTuple kept =
          Outcomes.withCoders(
              records.apply(
                  "KeepSampledSubmixes",
                  ParDo.of(new EligibleFn(sampling))
                      .withOutputTags(Outcomes.RECORDS, TupleTagList.of(Outcomes.DROPPED))));
      dropped = dropped.and(kept.get(Outcomes.DROPPED));
      eligible = kept.get(Outcomes.RECORDS);

      Map<String, Long> quotas = new HashMap<>();
      Map<String, Long> taskQuotas = new HashMap<>();
      sampling
          .submixes()
          .forEach(
              (name, sc) -> {
                if (sc.maxRows() != null) {
                  String submix = dev.orcaset.model.Submix.fromConfigName(name).configName();
                  boolean byTask = sampling.balanceOf(submix) == SamplingConfig.Balance.TASK;
                  (byTask && sc.maxRows() > 0 ? taskQuotas : quotas).put(submix, sc.maxRows());
                }
              });
      if (!quotas.isEmpty()) {
        PCollectionTuple capped =
            eligible.apply(
                "ApplyQuotas", new Cap(quotas, false, sampling.seed(), DropReason.OVER_QUOTA));
        dropped = dropped.and(capped.get(Outcomes.DROPPED));
        eligible = capped.get(Outcomes.RECORDS);
      }
      if (!taskQuotas.isEmpty()) {
        PCollectionTuple balanced =
            eligible.apply("BalanceTasks", new BalanceTasks(taskQuotas, sampling.seed()));
        dropped = dropped.and(balanced.get(Outcomes.DROPPED));
        eligible = balanced.get(Outcomes.RECORDS);
      }
    }
    if (limit != null) {
      PCollectionTuple capped =
          eligible.apply(
              "ApplyLimit",
              new Cap(Map.of(Cap.ALL, limit), true, sampling.seed(), DropReason.OVER_LIMIT));
      dropped = dropped.and(capped.get(Outcomes.DROPPED));
      eligible = capped.get(Outcomes.RECORDS);
    }
    // Flattening an empty list makes a Void-typed collection that Flink cannot union later.
    PCollection<DroppedRecord> allDropped =
        dropped.size() == 0
            ? records.getPipeline().apply("NothingDropped", Create.empty(Outcomes.DROPPED_CODER))
            : dropped
                .apply("AllNotSampled", Flatten.pCollections())
                .setCoder(Outcomes.DROPPED_CODER);
    return PCollectionTuple.of(Outcomes.RECORDS, eligible).and(Outcomes.DROPPED, allDropped);
  }

  static final class EligibleFn extends DoFn<FlanRecord, FlanRecord> {
    private final SamplingConfig sampling;
    private transient Map<String, TaskFilter> filters;

    EligibleFn(SamplingConfig sampling) {
      this.sampling = sampling;
    }

    @Setup
    public void setup() {
      filters = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element FlanRecord r, MultiOutputReceiver out) {
      String submix = r.submix().configName();
      SubmixConfig sc = sampling.submix(submix);
      if (sc == null || (sc.maxRows() != null && sc.maxRows() == 0)) {
        out.get(Outcomes.DROPPED)
            .output(
                DroppedRecord.of(
                    r,
                    DropReason.SUBMIX_NOT_SAMPLED,
                    "sampling.submixes."
                        + submix
                        + (sc == null ? " is not configured" : ".max_rows is 0")));
      } else if (!sc.keepsTemplate(r.templateType())) {
        out.get(Outcomes.DROPPED)
            .output(
                DroppedRecord.of(
                    r,
                    DropReason.TEMPLATE_TYPE_NOT_KEPT,
                    "template_type "
                        + r.templateType()
                        + " not in sampling.submixes."
                        + submix
                        + ".template_types"));
      } else {
        TaskFilter filter =
            filters.computeIfAbsent(submix, name -> TaskFilter.of(sampling, name, sc));
        filter
            .leftOut(r.taskName())
            .ifPresentOrElse(
                why ->
                    out.get(Outcomes.DROPPED)
                        .output(DroppedRecord.of(r, why.reason(), why.detail())),
                () -> out.get(Outcomes.RECORDS).output(r));
      }
    }
  }

  /**
   * Keeps the {@code cap} records of each group with the smallest sampling hash, exactly, without
   * holding a group's ranks anywhere: a histogram of ranks per group finds the one bucket the cut
   * falls in, and only that bucket's ranks (about n / {@value #BUCKETS}) are ranked exactly. A
   * group is everything ({@code limit}), a submix (its quota), or a submix's task (its share of a
   * task-balanced quota, whose caps come from the data as a side input).
   */
  static final class Cap extends PTransform<PCollection<FlanRecord>, PCollectionTuple> {
    static final String ALL = "*";

    /** The key of a side input's placeholder entry: no group is named so. */
    static final String NO_GROUP = "";

    /** Histogram buckets over the rank's [0, 1): 32 KB per group and bundle, in one pass. */
    static final int BUCKETS = 4096;

    enum Grouping {
      ALL,
      SUBMIX,
      TASK
    }

    private final Map<String, Long> caps;
    private final PCollectionView<Map<String, Long>> capsView;
    private final Grouping grouping;
    private final long seed;
    private final DropReason reason;

    Cap(Map<String, Long> caps, boolean global, long seed, DropReason reason) {
      this.caps = Map.copyOf(caps);
      this.capsView = null;
      this.grouping = global ? Grouping.ALL : Grouping.SUBMIX;
      this.seed = seed;
      this.reason = reason;
    }

    /** Per task, with each (submix, task) group's cap from {@code capsView}. */
    Cap(PCollectionView<Map<String, Long>> capsView, long seed) {
      this.caps = Map.of();
      this.capsView = capsView;
      this.grouping = Grouping.TASK;
      this.seed = seed;
      this.reason = DropReason.OVER_QUOTA;
    }

    String group(FlanRecord r) {
      return switch (grouping) {
        case ALL -> ALL;
        case SUBMIX -> r.submix().configName();
        case TASK -> taskGroup(r);
      };
    }

    /** A (submix, task) group's key; a record without a task name is in the submix's "" task. */
    static String taskGroup(FlanRecord r) {
      return r.submix().configName() + "\u0000" + (r.taskName() == null ? "" : r.taskName());
    }

    Long cap(String group, DoFn<?, ?>.ProcessContext c) {
      return capsView == null ? caps.get(group) : c.sideInput(capsView).get(group);
    }

    String why(FlanRecord r, Long cap) {
      return switch (grouping) {
        case ALL -> "limit = " + cap;
        case SUBMIX -> "sampling.submixes." + group(r) + ".max_rows = " + cap;
        case TASK ->
            "task "
                + r.taskName()
                + " keeps "
                + cap
                + ", its share of sampling.submixes."
                + r.submix().configName()
                + ".max_rows (balance: task)";
      };
    }

    double rank(FlanRecord r) {
      return Hashes.unitInterval(seed, "sample", r.id());
    }

    static int bucket(double rank) {
      return Math.min(BUCKETS - 1, (int) (rank * BUCKETS));
    }

    private <I, O> ParDo.SingleOutput<I, O> withCaps(DoFn<I, O> fn) {
      return capsView == null ? ParDo.of(fn) : ParDo.of(fn).withSideInputs(capsView);
    }

    @Override
    public PCollectionTuple expand(PCollection<FlanRecord> records) {
      PCollection<KV<String, Double>> ranked =
          records
              .apply(
                  "Rank",
                  withCaps(
                      new DoFn<FlanRecord, KV<String, Double>>() {
                        @ProcessElement
                        public void process(ProcessContext c) {
                          FlanRecord r = c.element();
                          if (cap(group(r), c) != null) {
                            c.output(KV.of(group(r), rank(r)));
                          }
                        }
                      }))
              .setCoder(KvCoder.of(StringUtf8Coder.of(), DoubleCoder.of()));
      // Pass 1: per group, the bucket the cap falls in and how many of its ranks are kept.
      PCollection<KV<String, long[]>> histograms =
          ranked.apply("Histogram", Combine.perKey(new HistogramFn()));
      PCollectionView<Map<String, KV<Integer, Long>>> cuts =
          histograms
              .apply(
                  "FindCut",
                  withCaps(
                      new DoFn<KV<String, long[]>, KV<String, KV<Integer, Long>>>() {
                        @ProcessElement
                        public void process(ProcessContext c) {
                          KV<String, long[]> h = c.element();
                          long need = cap(h.getKey(), c);
                          long[] counts = h.getValue();
                          for (int b = 0; b < counts.length; b++) {
                            if (need <= counts[b]) {
                              c.output(KV.of(h.getKey(), KV.of(b, need)));
                              return;
                            }
                            need -= counts[b];
                          }
                          // fewer rows than the cap: the group is kept whole (no cut)
                        }
                      }))
              .setCoder(
                  KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarIntCoder.of(), VarLongCoder.of())))
              .apply("NeverEmpty", new WithPlaceholder<>(KV.of(Cap.NO_GROUP, KV.of(-1, 0L))))
              .apply("CutsAsMap", View.asMap());

      // Pass 2: the exact threshold from the cut bucket's ranks only.
      PCollectionView<Map<String, Double>> thresholds =
          ranked
              .apply(
                  "InCutBucket",
                  ParDo.of(
                          new DoFn<KV<String, Double>, KV<String, KV<Long, Double>>>() {
                            @ProcessElement
                            public void process(
                                @Element KV<String, Double> r,
                                OutputReceiver<KV<String, KV<Long, Double>>> out,
                                ProcessContext c) {
                              KV<Integer, Long> cut = c.sideInput(cuts).get(r.getKey());
                              if (cut != null && bucket(r.getValue()) == cut.getKey()) {
                                out.output(KV.of(r.getKey(), KV.of(cut.getValue(), r.getValue())));
                              }
                            }
                          })
                      .withSideInputs(cuts))
              .setCoder(
                  KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarLongCoder.of(), DoubleCoder.of())))
              .apply("Threshold", Combine.perKey(new ThresholdFn()))
              .apply(
                  "NeverEmpty",
                  new WithPlaceholder<>(KV.of(Cap.NO_GROUP, Double.POSITIVE_INFINITY)))
              .apply("AsMap", View.asMap());
      ParDo.MultiOutput<FlanRecord, FlanRecord> keep =
          ParDo.of(
                  new DoFn<FlanRecord, FlanRecord>() {
                    @ProcessElement
                    public void process(
                        @Element FlanRecord r, MultiOutputReceiver o, ProcessContext c) {
                      Double t = c.sideInput(thresholds).get(group(r));
                      Long cap = cap(group(r), c);
                      boolean none = Long.valueOf(0).equals(cap);
                      if (!none && (t == null || rank(r) <= t)) {
                        o.get(Outcomes.RECORDS).output(r);
                      } else {
                        o.get(Outcomes.DROPPED).output(DroppedRecord.of(r, reason, why(r, cap)));
                      }
                    }
                  })
              .withSideInputs(thresholds)
              .withOutputTags(Outcomes.RECORDS, TupleTagList.of(Outcomes.DROPPED));
      PCollectionTuple out =
          records.apply("KeepUnderCap", capsView == null ? keep : keep.withSideInputs(capsView));
      return Outcomes.withCoders(out);
    }
  }

  /** Counts of ranks per {@link Cap#BUCKETS} equal slices of [0, 1). */
  static final class HistogramFn extends Combine.CombineFn<Double, long[], long[]> {
    @Override
    public long[] createAccumulator() {
      return new long[Cap.BUCKETS];
    }

    @Override
    public long[] addInput(long[] acc, Double rank) {
      acc[Cap.bucket(rank)]++;
      return acc;
    }

    @Override
    public long[] mergeAccumulators(Iterable<long[]> accs) {
      long[] sum = createAccumulator();
      for (long[] a : accs) {
        for (int i = 0; i < sum.length; i++) {
          sum[i] += a[i];
        }
      }
      return sum;
    }

    @Override
    public long[] extractOutput(long[] acc) {
      return acc;
    }

    @Override
    public Coder<long[]> getAccumulatorCoder(CoderRegistry registry, Coder<Double> in) {
      return new SparseCountsCoder();
    }

    @Override
    public Coder<long[]> getDefaultOutputCoder(CoderRegistry registry, Coder<Double> in) {
      return new SparseCountsCoder();
    }
  }

  /** A histogram as its non-empty buckets: a small group's is a few bytes, not 32 KB. */
  static final class SparseCountsCoder extends AtomicCoder<long[]> {
    @Override
    public void encode(long[] counts, OutputStream out) throws IOException {
      VarInt.encode(counts.length, out);
      int nonEmpty = 0;
      for (long c : counts) {
        nonEmpty += c == 0 ? 0 : 1;
      }
      VarInt.encode(nonEmpty, out);
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] != 0) {
          VarInt.encode(i, out);
          VarInt.encode(counts[i], out);
        }
      }
    }

    @Override
    public long[] decode(InputStream in) throws IOException {
      long[] counts = new long[VarInt.decodeInt(in)];
      int nonEmpty = VarInt.decodeInt(in);
      for (int k = 0; k < nonEmpty; k++) {
        int i = VarInt.decodeInt(in);
        counts[i] = VarInt.decodeLong(in);
      }
      return counts;
    }

    @Override
    public Object structuralValue(long[] counts) {
      return java.util.Arrays.stream(counts).boxed().toList();
    }
  }

  /**
   * The largest of the {@code cap} smallest ranks in a group's cut bucket (+∞ when it has fewer).
   * Each input carries its group's cap, since a CombineFn does not see the key.
   */
  static final class ThresholdFn
      extends Combine.CombineFn<KV<Long, Double>, ThresholdFn.Acc, Double> {
    static final class Acc implements Serializable {
      long cap = -1;
      final PriorityQueue<Double> largestFirst = new PriorityQueue<>(Collections.reverseOrder());

      /**
       * Equal when they would produce the same threshold: the DirectRunner checks coders by this.
       */
      @Override
      public boolean equals(Object o) {
        return o instanceof Acc a && a.cap == cap && sorted().equals(a.sorted());
      }

      @Override
      public int hashCode() {
        return Long.hashCode(cap) * 31 + sorted().hashCode();
      }

      private List<Double> sorted() {
        return largestFirst.stream().sorted().toList();
      }

      void add(long c, double rank) {
        cap = c;
        largestFirst.add(rank);
        if (largestFirst.size() > cap) {
          largestFirst.poll();
        }
      }
    }

    @Override
    public Acc createAccumulator() {
      return new Acc();
    }

    @Override
    public Acc addInput(Acc acc, KV<Long, Double> in) {
      acc.add(in.getKey(), in.getValue());
      return acc;
    }

    @Override
    public Acc mergeAccumulators(Iterable<Acc> accs) {
      Acc merged = new Acc();
      for (Acc a : accs) {
        for (Double d : a.largestFirst) {
          merged.add(a.cap, d);
        }
      }
      return merged;
    }

    @Override
    public Double extractOutput(Acc acc) {
      return acc.largestFirst.isEmpty() || acc.largestFirst.size() < acc.cap
          ? Double.POSITIVE_INFINITY
          : acc.largestFirst.peek();
    }

    @Override
    public Coder<Acc> getAccumulatorCoder(CoderRegistry registry, Coder<KV<Long, Double>> in) {
      return SerializableCoder.of(Acc.class);
    }
  }
}
