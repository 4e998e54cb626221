package dev.orcaset.pipeline;

import static dev.orcaset.pipeline.Tally.one;

import dev.orcaset.io.RecordCoder;
import dev.orcaset.model.DropReason.Outcome;
import dev.orcaset.model.DroppedRecord;
import dev.orcaset.model.FailedRequest;
import dev.orcaset.model.Rejection;
import dev.orcaset.model.Sample;
import dev.orcaset.pipeline.Tally.Measure;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ProcessFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Adds up what happened to every input: the counts the manifest checks (every input is a sample, a
 * rejection, a failure, a duplicate or filtered), breakdowns by submix, license, prompt and reason,
 * token statistics, teacher usage and the comparison with the previous snapshot.
 *
 * <p>Input: a tuple of {@link Outcomes#LINES}, {@link Outcomes#REJECTED}, {@link Outcomes#DROPPED},
 * {@link Outcomes#FAILED}, {@link Outcomes#SAMPLES}, {@link #USAGE} and {@link #SNAPSHOT} (tallies
 * from {@link CompareWithPreviousSnapshot}). Output: one (tally, total) per thing counted; {@link
 * Tallies} reads them.
 */
public final class CountOutcomes
    extends PTransform<PCollectionTuple, PCollection<KV<Tally, Long>>> {
  static final TupleTag<TeacherUsage> USAGE = TeacherResult.USAGE;
  static final TupleTag<KV<Tally, Long>> SNAPSHOT = new TupleTag<>("snapshot") {};

  /** Optional: what the LLM judge used, when a judge is configured. */
  static final TupleTag<TeacherUsage> JUDGE_USAGE = JudgeAnswers.USAGE;

  /** Optional: what each later teacher tier used, by tier number. */
  static final TupleTag<KV<Integer, TeacherUsage>> TIER_USAGE = new TupleTag<>("tier-usage") {};

  static final Coder<KV<Integer, TeacherUsage>> TIER_USAGE_CODER =
      KvCoder.of(VarIntCoder.of(), Outcomes.USAGE_CODER);

  /**
   * Lower edges of the completion-token histogram bins: roughly half-octaves, so one chart shows
   * bare answers and 4k-token essays alike.
   */
  public static final long[] TOKEN_BINS = {
    0, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144,
    8192, 16384
  };

  @Override
  public PCollection<KV<Tally, Long>> expand(PCollectionTuple in) {
    PCollectionList<KV<Tally, Long>> all = counts(in);
    if (in.has(JUDGE_USAGE)) {
      all =
          all.and(
              tally(in.get(JUDGE_USAGE), "JudgeUsage", u -> usageTallies(Measure.JUDGE_USAGE, u)));
    }
    if (in.has(TIER_USAGE)) {
      all =
          all.and(
              tally(
                  in.get(TIER_USAGE),
                  "TierUsage",
                  u ->
                      usageTallies(Measure.TIER_USAGE, u.getValue()).stream()
                          .map(
                              kv ->
                                  Tally.of(
                                      Measure.TIER_USAGE,
                                      kv.getValue(),
                                      String.valueOf(u.getKey()),
                                      kv.getKey().labels().get(0)))
                          .toList()));
    }
    return all.apply("AllTallies", Flatten.pCollections())
        .apply("Totals", Combine.perKey(new Total()))
        .apply(
            "PickTotal",
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptor.of(Tally.class), TypeDescriptors.longs()))
                .via(kv -> KV.of(kv.getKey(), kv.getValue().total(kv.getKey()))))
        .setCoder(Tally.KV_CODER);
  }

  private static PCollectionList<KV<Tally, Long>> counts(PCollectionTuple in) {
    return PCollectionList.of(
            tally(
                in.get(Outcomes.LINES),
                "InputLines",
                n -> List.of(Tally.of(Measure.COUNTS, n, "input_records"))))
        .and(
            tally(
                in.get(Outcomes.REJECTED),
                "Rejected",
                (Rejection r) ->
                    List.of(
                        one(Measure.COUNTS, Outcome.REJECTED.wireName()),
                        one(Measure.REJECTED_BY_REASON, r.reason().wireName()))))
        .and(tally(in.get(Outcomes.DROPPED), "Dropped", CountOutcomes::droppedTallies))
        .and(
            tally(
                in.get(Outcomes.FAILED),
                "Failed",
                (FailedRequest f) ->
                    f.tier() > 1
                        ? List.of(tierRow(f.tier(), f.source(), Outcome.FAILED.wireName()))
                        : List.of(
                            one(Measure.COUNTS, Outcome.FAILED.wireName()),
                            one(Measure.FAILED_BY_REASON, f.reason().wireName()),
                            one(Measure.FAILED_BY_STATUS, String.valueOf(f.httpStatus())),
                            one(Measure.FAILED_BY_SOURCE, f.source()),
                            tierRow(1, f.source(), Outcome.FAILED.wireName()))))
        .and(tally(in.get(Outcomes.SAMPLES), "Samples", CountOutcomes::sampleTallies))
        .and(tally(in.get(USAGE), "TeacherUsage", u -> usageTallies(Measure.TEACHER_USAGE, u)))
        .and(in.get(SNAPSHOT));
  }

  static long tokenBin(long tokens) {
    long bin = 0;
    for (long edge : TOKEN_BINS) {
      if (tokens >= edge) {
        bin = edge;
      }
    }
    return bin;
  }

  /** One answered question of a tier, by what became of it. */
  private static KV<Tally, Long> tierRow(int tier, String source, String outcome) {
    return one(Measure.TIER_ROWS, String.valueOf(tier), source, outcome);
  }

  private static List<KV<Tally, Long>> droppedTallies(DroppedRecord d) {
    Sample s = d.sample();
    if (s != null && s.tier() > 1) {
      return List.of(tierRow(s.tier(), s.source(), Outcome.FILTERED.wireName()));
    }
    List<KV<Tally, Long>> t = new ArrayList<>();
    if (s != null) {
      t.add(tierRow(1, s.source(), Outcome.FILTERED.wireName()));
    }
    t.add(one(Measure.COUNTS, d.outcome().wireName()));
    t.add(one(Measure.DROPPED_BY_REASON, d.reason().wireName()));
    t.add(one(Measure.DROPPED_BY_SOURCE_AND_REASON, d.source(), d.reason().wireName()));
    if (d.sample() != null) {
      t.addAll(answered(d.sample()));
    }
    return t;
  }

  /**
   * The finish reason of an answer that hit the token bound (Anthropic's `max_tokens` stop reason
   * is read as this when its answer is parsed).
   */
  static final String CUT_OFF = "length";

  /** What is counted of every answered row, kept or dropped by a gate. */
  private static List<KV<Tally, Long>> answered(Sample s) {
    List<KV<Tally, Long>> t = new ArrayList<>();
    t.add(
        one(
            Measure.TARGET_CHECKS,
            s.source(),
            s.targetCheck().wireName(),
            s.targetCheckMethod().wireName()));
    if (s.judgeReason() != null || s.judgeScore() != null) {
      t.add(one(Measure.JUDGED, s.source(), s.judgeScore() != null ? "scored" : "unscored"));
      if (s.judgeScore() != null) {
        t.add(one(Measure.JUDGE_SCORES, String.valueOf(s.judgeScore())));
      }
    }
    if (CUT_OFF.equals(s.finishReason())) {
      t.add(one(Measure.TRUNCATED, s.source()));
      t.add(Tally.of(Measure.TRUNCATED_PROMPT_TOKENS, s.promptTokens(), s.source()));
    }
    return t;
  }

  private static List<KV<Tally, Long>> sampleTallies(Sample s) {
    List<KV<Tally, Long>> t = new ArrayList<>();
    t.add(tierRow(s.tier(), s.source(), "samples"));
    t.add(
        Tally.of(
            Measure.TIER_COMPLETION_TOKENS,
            s.completionTokens(),
            String.valueOf(s.tier()),
            s.source()));
    if (s.tier() > 1) {
      return t;
    }
    t.add(one(Measure.COUNTS, "samples"));
    t.addAll(answered(s));
    t.add(one(Measure.SAMPLES_BY_SOURCE, s.source()));
    t.add(one(Measure.SAMPLES_BY_LICENSE, s.licenseTag()));
    String cleared = String.valueOf(Boolean.TRUE.equals(s.commercialUse()));
    t.add(one(Measure.SAMPLES_BY_COMMERCIAL_USE, String.valueOf(s.commercialUse())));
    t.add(one(Measure.SAMPLES_BY_SOURCE_AND_COMMERCIAL_USE, s.source(), cleared));
    if (!s.sourceDataset().isEmpty()) {
      t.add(one(Measure.SAMPLES_BY_SOURCE_DATASET, s.sourceDataset(), cleared));
    }
    if (!s.sourceReviewed()) {
      t.add(one(Measure.UNREVIEWED_SOURCE_TASKS, String.valueOf(s.taskName())));
    }
    t.add(one(Measure.SAMPLES_BY_SYSTEM_PROMPT, String.valueOf(s.systemPromptId())));
    t.add(one(Measure.SAMPLES_BY_QUESTION_TYPE, s.questionType().wireName()));
    t.add(one(Measure.SAMPLES_BY_TASK, s.source(), String.valueOf(s.taskName())));
    t.add(
        one(
            Measure.SAMPLES_BY_QUESTION_TYPE_AND_PROMPT,
            s.questionType().wireName(),
            String.valueOf(s.systemPromptId())));
    t.add(
        one(Measure.SAMPLES_BY_SOURCE_AND_PROMPT, s.source(), String.valueOf(s.systemPromptId())));
    t.add(
        one(
            Measure.SAMPLES_BY_SOURCE_TYPE_AND_PROMPT,
            s.source(),
            s.questionType().wireName(),
            String.valueOf(s.systemPromptId())));
    List<String> verdict = new ArrayList<>();
    verdict.add(s.licenseTag());
    verdict.add(String.valueOf(Boolean.TRUE.equals(s.commercialUse())));
    verdict.addAll(s.licenseReasons());
    t.add(KV.of(new Tally(Measure.LICENSE_VERDICTS, verdict), 1L));
    t.add(Tally.of(Measure.TOKENS_PROMPT, s.promptTokens(), s.source()));
    t.add(Tally.of(Measure.TOKENS_COMPLETION, s.completionTokens(), s.source()));
    t.add(Tally.of(Measure.TOKENS_MAX, s.completionTokens(), s.source()));
    t.add(
        one(Measure.TOKENS_HISTOGRAM, s.source(), String.valueOf(tokenBin(s.completionTokens()))));
    return t;
  }

  /**
   * What this run paid the teacher (or the judge, {@code m}) for, and how many questions the
   * journal answered instead.
   */
  private static List<KV<Tally, Long>> usageTallies(Measure m, TeacherUsage u) {
    return List.of(
        Tally.of(m, u.requests(), "requests"),
        Tally.of(m, u.httpAttempts(), "http_attempts"),
        Tally.of(m, u.promptTokens(), "prompt_tokens"),
        Tally.of(m, u.completionTokens(), "completion_tokens"),
        Tally.of(m, u.reasoningTokens(), "reasoning_tokens"),
        Tally.of(m, u.reusedAnswers(), "reused_answers"),
        Tally.of(m, u.reusedFailures(), "reused_failures"),
        Tally.of(m, u.reusedAcrossLimits(), "reused_across_max_tokens"),
        Tally.of(m, u.reaskedTruncated(), "reasked_truncated"));
  }

  /** Turns each element into (tally, amount) pairs: the tallies of manifests and estimates. */
  static <T> PCollection<KV<Tally, Long>> tally(
      PCollection<T> in, String name, ProcessFunction<T, List<KV<Tally, Long>>> tallies) {
    return in.apply(
            "Tally" + name,
            FlatMapElements.into(
                    TypeDescriptors.kvs(TypeDescriptor.of(Tally.class), TypeDescriptors.longs()))
                .via(tallies))
        .setCoder(Tally.KV_CODER);
  }

  /** A tally's sum and largest amount; {@link Measure#isMax()} says which is its total. */
  record SumMax(long sum, long max) implements Serializable {
    long total(Tally t) {
      return t.measure().isMax() ? max : sum;
    }
  }

  /** One combine serves both kinds of tally: it keeps the sum and the largest amount. */
  static final class Total extends Combine.CombineFn<Long, SumMax, SumMax> {
    @Override
    public SumMax createAccumulator() {
      return new SumMax(0, Long.MIN_VALUE);
    }

    @Override
    public SumMax addInput(SumMax acc, Long v) {
      return new SumMax(acc.sum() + v, Math.max(acc.max(), v));
    }

    @Override
    public SumMax mergeAccumulators(Iterable<SumMax> accs) {
      SumMax out = createAccumulator();
      for (SumMax a : accs) {
        out = new SumMax(out.sum() + a.sum(), Math.max(out.max(), a.max()));
      }
      return out;
    }

    @Override
    public SumMax extractOutput(SumMax acc) {
      return acc;
    }

    @Override
    public Coder<SumMax> getAccumulatorCoder(CoderRegistry registry, Coder<Long> input) {
      return RecordCoder.of(SumMax.class);
    }

    @Override
    public Coder<SumMax> getDefaultOutputCoder(CoderRegistry registry, Coder<Long> input) {
      return RecordCoder.of(SumMax.class);
    }
  }
}
