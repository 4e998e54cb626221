package dev.orcaset.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orcaset.flan.Rejection;
import dev.orcaset.io.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Max;
import org.apache.beam.sdk.transforms.ProcessFunction;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Adds up what happened to every input: `counts.*` (the accounting the manifest checks),
 * breakdowns by submix, license, prompt and reason, and teacher usage. Keys are dotted paths,
 * e.g. `samples_by_source.NIv2`; absent keys mean zero.
 */
public final class CountOutcomes extends PTransform<PBegin, PCollectionView<Map<String, Long>>> {
  private final PCollection<Long> inputLines;
  private final PCollection<Rejection> rejected;
  private final PCollection<DroppedRecord> dropped;
  private final PCollection<FailedRequest> failed;
  private final PCollection<Sample> samples;
  private final List<PCollection<KV<String, Long>>> more;

  /**
   * The outcome of every input, plus {@code more} tallies from elsewhere in the pipeline (teacher
   * usage, journal reuse, the comparison with the previous snapshot).
   */
  public CountOutcomes(PCollection<Long> inputLines, PCollection<Rejection> rejected,
      PCollection<DroppedRecord> dropped, PCollection<FailedRequest> failed, PCollection<Sample> samples,
      List<PCollection<KV<String, Long>>> more) {
    this.inputLines = inputLines;
    this.rejected = rejected;
    this.dropped = dropped;
    this.failed = failed;
    this.samples = samples;
    this.more = more;
  }

  @Override
  public PCollectionView<Map<String, Long>> expand(PBegin begin) {
    PCollection<KV<String, Long>> sums = PCollectionList.of(tally(inputLines, "InputLines", n -> List.of(KV.of("counts.input_records", n))))
        .and(tally(rejected, "Rejected", r -> List.of(
            one("counts.rejected"), one("rejected_by_reason." + r.reason()))))
        .and(tally(dropped, "Dropped", d -> List.of(
            one("counts." + d.outcome()),
            one("dropped_by_reason." + d.reason()))))
        .and(tally(failed, "Failed", f -> List.of(
            one("counts.failed"), one("failed_by_reason." + f.reason()),
            one("failed_by_status." + f.httpStatus()))))
        .and(tally(samples, "Samples", CountOutcomes::sampleKeys))
        .and(more)
        .apply("AllTallies", Flatten.pCollections())
        .apply("Sum", Sum.longsPerKey());
    PCollection<KV<String, Long>> longest = tally(samples, "LongestAnswers",
        s -> List.of(KV.of("tokens_max." + s.source(), s.completionTokens())))
        .apply("Max", Max.longsPerKey());
    return PCollectionList.of(sums).and(longest)
        .apply("SumsAndMaxima", Flatten.pCollections())
        .apply("AsMap", View.asMap());
  }

  /**
   * Lower edges of the completion-token histogram bins: roughly half-octaves, so one chart shows
   * bare answers and 4k-token essays alike.
   */
  public static final long[] TOKEN_BINS = {0, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768,
      1024, 1536, 2048, 3072, 4096, 6144, 8192, 16384};

  static long tokenBin(long tokens) {
    long bin = 0;
    for (long edge : TOKEN_BINS) {
      if (tokens >= edge) {
        bin = edge;
      }
    }
    return bin;
  }

  /** A key for one license verdict: its tag, whether it is cleared and its reasons, as a JSON array. */
  static String verdictKey(Sample s) {
    var array = Json.mapper().createArrayNode().add(s.licenseTag()).add(Boolean.TRUE.equals(s.commercialUse()));
    s.licenseReasons().forEach(array::add);
    return "license_verdicts." + array;
  }

  private static List<KV<String, Long>> sampleKeys(Sample s) {
    List<KV<String, Long>> keys = new ArrayList<>();
    keys.add(one("counts.samples"));
    keys.add(one("samples_by_source." + s.source()));
    keys.add(one("samples_by_license." + s.licenseTag()));
    keys.add(one("samples_by_commercial_use." + s.commercialUse()));
    keys.add(one("samples_by_system_prompt." + s.systemPromptId()));
    keys.add(one("samples_by_source_and_prompt." + s.source() + "." + s.systemPromptId()));
    keys.add(one(verdictKey(s)));
    keys.add(KV.of("tokens_prompt." + s.source(), s.promptTokens()));
    keys.add(KV.of("tokens_completion." + s.source(), s.completionTokens()));
    keys.add(one("tokens_histogram." + s.source() + "." + tokenBin(s.completionTokens())));
    return keys;
  }

  /**
   * What this run paid for: the teacher's answers and failures before any filter (a filtered
   * answer was still billed), and how many questions the journal answered instead.
   */
  static List<PCollection<KV<String, Long>>> teacherUsage(PCollectionTuple asked, PCollectionTuple reused) {
    return List.of(
        tally(asked.get(Outcomes.SAMPLES), "Answered", s -> List.of(one("teacher_usage.requests"),
            KV.of("teacher_usage.http_attempts", (long) s.attempts()),
            KV.of("teacher_usage.prompt_tokens", s.promptTokens()),
            KV.of("teacher_usage.completion_tokens", s.completionTokens()))),
        tally(asked.get(Outcomes.FAILED), "Unanswered", f -> List.of(one("teacher_usage.requests"),
            KV.of("teacher_usage.http_attempts", (long) f.attempts()))),
        tally(reused.get(Outcomes.SAMPLES), "ReusedAnswers", s -> List.of(one("journal.reused_answers"))),
        tally(reused.get(Outcomes.FAILED), "ReusedFailures", f -> List.of(one("journal.reused_failures"))));
  }

  /** The tallies under one dotted prefix, e.g. `samples_by_source`, as a JSON object keyed by the rest. */
  static ObjectNode group(Map<String, Long> tallies, String prefix) {
    ObjectNode group = Json.mapper().createObjectNode();
    new TreeMap<>(tallies).forEach((key, value) -> {
      if (key.startsWith(prefix + ".")) {
        group.put(key.substring(prefix.length() + 1), value);
      }
    });
    return group;
  }

  private static KV<String, Long> one(String key) {
    return KV.of(key, 1L);
  }

  /** Turns each element into (key, amount) pairs to be summed: the tallies of manifests and estimates. */
  static <T> PCollection<KV<String, Long>> tally(PCollection<T> in, String name,
      ProcessFunction<T, List<KV<String, Long>>> keys) {
    return in.apply("Tally" + name, FlatMapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
            .via(keys))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
  }
}
