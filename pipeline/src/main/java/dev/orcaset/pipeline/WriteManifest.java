package dev.orcaset.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orcaset.io.Json;
import dev.orcaset.io.JsonFiles;
import dev.orcaset.license.SourceEntry;
import dev.orcaset.pipeline.Tally.Measure;
import dev.orcaset.quality.QualityGates;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.Wait;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Writes `OUTPUT/manifest.json` once every output file is written: the counts (and whether they add
 * up to the input), breakdowns, teacher usage, the files of the dataset, the config used and the
 * run's times. Written by the pipeline, so it is there whichever runner ran the job.
 */
public final class WriteManifest extends PTransform<PCollectionTuple, PDone> {
  /** (tally, total) pairs from {@link CountOutcomes}. */
  static final TupleTag<KV<Tally, Long>> TALLIES = new TupleTag<>("tallies") {};

  /** The dataset's Parquet files, listed in the manifest. */
  static final TupleTag<String> DATA_FILES = new TupleTag<>("data_files") {};

  /** Every file the run wrote: the manifest is written only once they all are. */
  static final TupleTag<String> WRITTEN = new TupleTag<>("written") {};

  /** The placeholder in the file lists: no file is named so. */
  private static final String NO_FILE = "";

  static final List<String> OUTCOMES =
      List.of("samples", "rejected", "failed", "duplicates", "filtered");

  private final RunInfo info;
  private final Described described;

  /**
   * What the manifest describes besides counts: the quality gates and the system prompts' files.
   */
  public record Described(
      List<QualityGates.Gate> gates,
      Map<Integer, String> promptFiles,
      Map<String, SourceEntry> sourceDatasets,
      Map<String, Map<String, Map<Integer, Double>>> expectedPromptShares)
      implements Serializable {
    public Described {
      gates = List.copyOf(gates);
      promptFiles = new TreeMap<>(promptFiles);
      sourceDatasets = new TreeMap<>(sourceDatasets);
      expectedPromptShares = new TreeMap<>(expectedPromptShares);
    }

    public Described(List<QualityGates.Gate> gates, Map<Integer, String> promptFiles) {
      this(gates, promptFiles, Map.of(), Map.of());
    }

    public Described(
        List<QualityGates.Gate> gates,
        Map<Integer, String> promptFiles,
        Map<String, SourceEntry> sourceDatasets) {
      this(gates, promptFiles, sourceDatasets, Map.of());
    }
  }

  public WriteManifest(RunInfo info, Described described) {
    this.info = info;
    this.described = described;
  }

  @Override
  public PDone expand(PCollectionTuple in) {
    PCollectionView<Map<Tally, Long>> tallies = in.get(TALLIES).apply("TalliesAsMap", View.asMap());
    // Both may be empty (a run that writes no rows): an empty side input can hang the DirectRunner.
    PCollectionView<List<String>> dataFiles =
        in.get(DATA_FILES)
            .apply("DataFilesNeverEmpty", new WithPlaceholder<>(NO_FILE))
            .apply("DataFiles", View.asList());
    in.getPipeline()
        .apply("Once", Create.of("manifest.json"))
        .apply(
            "AfterAllWrites",
            Wait.on(in.get(WRITTEN).apply("WrittenNeverEmpty", new WithPlaceholder<>(NO_FILE))))
        .apply(
            "Write",
            ParDo.of(new WriteFn(info, described, tallies, dataFiles))
                .withSideInputs(tallies, dataFiles));
    return PDone.in(in.getPipeline());
  }

  /** Builds the manifest document from the tallies; the dataset card and `inspect` read it back. */
  public static ObjectNode document(
      RunInfo info,
      Described described,
      Tallies tallies,
      List<String> dataFiles,
      Instant finishedAt) {
    ObjectNode root = Json.mapper().createObjectNode();
    root.putObject("tool").put("name", "orcaset").put("version", info.toolVersion());
    ObjectNode counts = root.putObject("counts");
    long inputs = tallies.get(Measure.COUNTS, "input_records");
    counts.put("input_records", inputs);
    long accounted = 0;
    for (String outcome : OUTCOMES) {
      long n = tallies.get(Measure.COUNTS, outcome);
      counts.put(outcome, n);
      accounted += n;
    }
    root.putObject("accounting")
        .put("balanced", accounted == inputs)
        .put("accounted_for", accounted)
        .put("unaccounted", inputs - accounted);
    for (Measure g :
        List.of(
            Measure.SAMPLES_BY_SOURCE,
            Measure.SAMPLES_BY_LICENSE,
            Measure.SAMPLES_BY_COMMERCIAL_USE,
            Measure.SAMPLES_BY_SYSTEM_PROMPT,
            Measure.SAMPLES_BY_QUESTION_TYPE,
            Measure.REJECTED_BY_REASON,
            Measure.DROPPED_BY_REASON,
            Measure.FAILED_BY_REASON,
            Measure.FAILED_BY_STATUS)) {
      root.set(g.key(), ManifestSections.group(tallies, g));
    }
    ObjectNode usage = root.putObject("teacher_usage");
    for (String k :
        List.of(
            "completion_tokens",
            "http_attempts",
            "prompt_tokens",
            "reasoning_tokens",
            "requests")) {
      long n = tallies.get(Measure.TEACHER_USAGE, k);
      if (n != 0) {
        usage.put(k, n);
      }
    }
    root.set(
        "samples_by_source_and_prompt",
        ManifestSections.nested(tallies, Measure.SAMPLES_BY_SOURCE_AND_PROMPT));
    root.set(
        "samples_by_question_type_and_prompt",
        ManifestSections.nested(tallies, Measure.SAMPLES_BY_QUESTION_TYPE_AND_PROMPT));
    root.set("licenses", ManifestSections.licenses(tallies));
    root.set(
        "samples_by_source_and_commercial_use",
        ManifestSections.nested(tallies, Measure.SAMPLES_BY_SOURCE_AND_COMMERCIAL_USE));
    root.set("provenance", ManifestSections.provenance(tallies, described.sourceDatasets()));
    root.set("source_coverage", ManifestSections.sourceCoverage(tallies));
    root.set("quality_gates", ManifestSections.qualityGates(described.gates(), tallies));
    root.set("target_checks", ManifestSections.targetChecks(tallies));
    root.set("tasks", ManifestSections.tasks(tallies));
    root.set("tokens", ManifestSections.tokens(tallies));
    root.set("system_prompts", ManifestSections.systemPrompts(described.promptFiles(), tallies));
    root.putObject("run")
        .put("id", info.runId())
        .put("started_at", Instant.ofEpochMilli(info.startedAtMillis()).toString())
        .put("finished_at", finishedAt.toString())
        .put("wall_seconds", (finishedAt.toEpochMilli() - info.startedAtMillis()) / 1000.0);
    long reused =
        tallies.get(Measure.TEACHER_USAGE, "reused_answers")
            + tallies.get(Measure.TEACHER_USAGE, "reused_failures");
    long sent = tallies.get(Measure.TEACHER_USAGE, "requests");
    root.putObject("journal")
        .put("dir", info.journalDir())
        .put("reused_answers", tallies.get(Measure.TEACHER_USAGE, "reused_answers"))
        .put("reused_failures", tallies.get(Measure.TEACHER_USAGE, "reused_failures"))
        .put(
            "reused_across_max_tokens",
            tallies.get(Measure.TEACHER_USAGE, "reused_across_max_tokens"))
        .put("reasked_truncated", tallies.get(Measure.TEACHER_USAGE, "reasked_truncated"))
        .put("questions_sent", sent);
    ObjectNode snapshot = root.putObject("snapshot");
    snapshot.put("id", info.snapshotId()).put("data", "data/snapshot=" + info.snapshotId() + "/");
    for (String k : List.of("new_rows", "kept_rows", "dropped_rows")) {
      snapshot.put(k, tallies.get(Measure.SNAPSHOT, k));
    }
    Double usd =
        info.price() == null
            ? null
            : Math.round(
                    info.price()
                            .usd(
                                tallies.get(Measure.TEACHER_USAGE, "prompt_tokens"),
                                tallies.get(Measure.TEACHER_USAGE, "completion_tokens"))
                        * 1e4)
                / 1e4;
    root.set("runs", history(info, finishedAt, sent, reused, snapshot, usd));
    ObjectNode cost = root.putObject("cost");
    if (info.price() == null) {
      cost.putNull("estimated_usd");
      cost.put("note", "no price for this model in the price list");
    } else {
      cost.put("estimated_usd", usd);
      cost.put("input_per_million", info.price().inputPerMillion());
      cost.put("output_per_million", info.price().outputPerMillion());
      cost.put("price_source", info.price().source());
      cost.put("price_as_of", info.price().asOf());
    }
    ObjectNode versions = root.putObject("versions");
    versions.put("system_prompts", info.systemPromptsVersion());
    versions.put("license_policy", info.licensePolicyVersion());
    ObjectNode files = root.putObject("files");
    var data = files.putArray("data");
    dataFiles.stream()
        .filter(f -> !f.equals(NO_FILE))
        .map(f -> relativize(info.outputDir(), f))
        .sorted()
        .forEach(data::add);
    files.put("rejected", "rejected/").put("failed", "failed/").put("filtered", "filtered/");
    JsonNode config;
    try {
      config = Json.mapper().readTree(info.configJson());
      root.set("config", config);
    } catch (IOException e) {
      config = Json.mapper().createObjectNode();
      root.put("config", info.configJson());
    }
    root.set("quotas", ManifestSections.quotas(tallies, config.path("sampling")));
    root.set(
        "recipe",
        ManifestSections.recipe(
            tallies,
            config.path("sampling"),
            root.path("quotas"),
            described.expectedPromptShares()));
    root.set(
        "judge", ManifestSections.judge(tallies, config.at("/quality/judge"), info.judgePrice()));
    ArrayNode tiers = ManifestSections.tiers(tallies, config, info);
    if (!tiers.isEmpty()) {
      root.set("tiers", tiers);
    }
    root.set(
        "truncated",
        ManifestSections.truncated(
            tallies, config.at("/teacher/max_tokens").asInt(0), info.price()));
    return root;
  }

  /**
   * The runs that built this snapshot, oldest first: each one's new, reused and dropped rows and
   * cost.
   */
  private static ArrayNode history(
      RunInfo info, Instant finishedAt, long sent, long reused, ObjectNode snapshot, Double usd) {
    ArrayNode runs;
    try {
      JsonNode previous =
          Json.mapper().readTree(info.previousRunsJson() == null ? "[]" : info.previousRunsJson());
      runs = previous.isArray() ? (ArrayNode) previous : Json.mapper().createArrayNode();
    } catch (IOException e) {
      runs = Json.mapper().createArrayNode();
    }
    ObjectNode run =
        runs.addObject()
            .put("id", info.runId())
            .put("started_at", Instant.ofEpochMilli(info.startedAtMillis()).toString())
            .put("finished_at", finishedAt.toString())
            .put("questions_sent", sent)
            .put("reused_from_journal", reused);
    for (String k : List.of("new_rows", "kept_rows", "dropped_rows")) {
      run.set(k, snapshot.get(k));
    }
    if (usd == null) {
      run.putNull("cost_usd");
    } else {
      run.put("cost_usd", usd);
    }
    return runs;
  }

  static String relativize(String outputDir, String file) {
    String base = outputDir.endsWith("/") ? outputDir : outputDir + "/";
    return file.startsWith(base) ? file.substring(base.length()) : file;
  }

  static final class WriteFn extends DoFn<String, Void> {
    private final RunInfo info;
    private final Described described;
    private final PCollectionView<Map<Tally, Long>> tallies;
    private final PCollectionView<List<String>> dataFiles;

    WriteFn(
        RunInfo info,
        Described described,
        PCollectionView<Map<Tally, Long>> tallies,
        PCollectionView<List<String>> dataFiles) {
      this.info = info;
      this.described = described;
      this.tallies = tallies;
      this.dataFiles = dataFiles;
    }

    @ProcessElement
    public void process(@Element String name, ProcessContext c) throws IOException {
      ObjectNode manifest =
          document(
              info,
              described,
              new Tallies(c.sideInput(tallies)),
              c.sideInput(dataFiles),
              Instant.now());
      JsonFiles.write(info.outputDir(), name, manifest);
    }
  }
}
