package dev.orcaset.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orcaset.io.Json;
import dev.orcaset.quality.QualityGates;
import dev.orcaset.report.DatasetCard;
import java.io.Serializable;
import java.util.TreeMap;
import dev.orcaset.io.JsonFiles;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Wait;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.PDone;

/**
 * Writes `OUTPUT/manifest.json` once every output file is written: the counts (and whether they
 * add up to the input), breakdowns, teacher usage, the files of the dataset, the config used and
 * the run's times. Written by the pipeline, so it is there whichever runner ran the job.
 */
public final class WriteManifest extends PTransform<PBegin, PDone> {
  static final List<String> OUTCOMES = List.of("samples", "rejected", "failed", "duplicates", "filtered");

  private final RunInfo info;
  private final Described described;
  private final PCollectionView<Map<String, Long>> tallies;
  private final PCollectionView<List<String>> dataFiles;
  private final List<PCollection<?>> writesToWaitFor;

  /** What the manifest describes besides counts: the quality gates and the system prompts' files. */
  public record Described(List<QualityGates.Gate> gates, Map<Integer, String> promptFiles) implements Serializable {
    public Described {
      gates = List.copyOf(gates);
      promptFiles = new TreeMap<>(promptFiles);
    }
  }

  public WriteManifest(RunInfo info, Described described, PCollectionView<Map<String, Long>> tallies,
      PCollectionView<List<String>> dataFiles, List<PCollection<?>> writesToWaitFor) {
    this.info = info;
    this.described = described;
    this.tallies = tallies;
    this.dataFiles = dataFiles;
    this.writesToWaitFor = writesToWaitFor;
  }

  @Override
  public PDone expand(PBegin begin) {
    begin.apply("Once", Create.of("manifest.json"))
        .apply("AfterAllWrites", Wait.on(writesToWaitFor))
        .apply("Write", ParDo.of(new WriteFn(info, described, tallies, dataFiles)).withSideInputs(tallies, dataFiles));
    return PDone.in(begin.getPipeline());
  }

  /** Builds the manifest document from the tallies; the dataset card and `inspect` read it back. */
  public static ObjectNode document(RunInfo info, Described described, Map<String, Long> tallies,
      List<String> dataFiles, Instant finishedAt) {
    ObjectNode root = Json.mapper().createObjectNode();
    root.putObject("tool").put("name", "orcaset").put("version", info.toolVersion());
    ObjectNode counts = root.putObject("counts");
    long inputs = tallies.getOrDefault("counts.input_records", 0L);
    counts.put("input_records", inputs);
    long accounted = 0;
    for (String outcome : OUTCOMES) {
      long n = tallies.getOrDefault("counts." + outcome, 0L);
      counts.put(outcome, n);
      accounted += n;
    }
    root.putObject("accounting").put("balanced", accounted == inputs)
        .put("accounted_for", accounted).put("unaccounted", inputs - accounted);
    for (String g : List.of("samples_by_source", "samples_by_license", "samples_by_commercial_use",
        "samples_by_system_prompt", "rejected_by_reason", "dropped_by_reason", "failed_by_reason",
        "failed_by_status", "teacher_usage")) {
      root.set(g, CountOutcomes.group(tallies, g));
    }
    root.set("samples_by_source_and_prompt", nested(tallies, "samples_by_source_and_prompt"));
    root.set("licenses", ManifestSections.licenses(tallies));
    root.set("quality_gates", ManifestSections.qualityGates(described.gates(), tallies));
    root.set("tokens", ManifestSections.tokens(tallies));
    root.set("system_prompts", ManifestSections.systemPrompts(described.promptFiles(), tallies));
    root.putObject("run")
        .put("id", info.runId())
        .put("started_at", Instant.ofEpochMilli(info.startedAtMillis()).toString())
        .put("finished_at", finishedAt.toString())
        .put("wall_seconds", (finishedAt.toEpochMilli() - info.startedAtMillis()) / 1000.0);
    long reused = tallies.getOrDefault("journal.reused_answers", 0L) + tallies.getOrDefault("journal.reused_failures", 0L);
    long sent = tallies.getOrDefault("teacher_usage.requests", 0L);
    root.putObject("journal")
        .put("dir", info.journalDir())
        .put("reused_answers", tallies.getOrDefault("journal.reused_answers", 0L))
        .put("reused_failures", tallies.getOrDefault("journal.reused_failures", 0L))
        .put("questions_sent", sent);
    ObjectNode snapshot = root.putObject("snapshot");
    snapshot.put("id", info.snapshotId()).put("data", "data/snapshot=" + info.snapshotId() + "/");
    for (String k : List.of("new_rows", "kept_rows", "dropped_rows")) {
      snapshot.put(k, tallies.getOrDefault("snapshot." + k, 0L));
    }
    Double usd = info.price() == null ? null
        : Math.round(info.price().usd(tallies.getOrDefault("teacher_usage.prompt_tokens", 0L),
            tallies.getOrDefault("teacher_usage.completion_tokens", 0L)) * 1e4) / 1e4;
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
    dataFiles.stream().map(f -> relativize(info.outputDir(), f)).sorted().forEach(data::add);
    files.put("rejected", "rejected/").put("failed", "failed/").put("filtered", "filtered/");
    try {
      JsonNode config = Json.mapper().readTree(info.configJson());
      root.set("config", config);
    } catch (IOException e) {
      root.put("config", info.configJson());
    }
    return root;
  }

  /** The runs that built this snapshot, oldest first: each one's new, reused and dropped rows and cost. */
  private static ArrayNode history(RunInfo info, Instant finishedAt, long sent, long reused, ObjectNode snapshot,
      Double usd) {
    ArrayNode runs;
    try {
      JsonNode previous = Json.mapper().readTree(info.previousRunsJson() == null ? "[]" : info.previousRunsJson());
      runs = previous.isArray() ? (ArrayNode) previous : Json.mapper().createArrayNode();
    } catch (IOException e) {
      runs = Json.mapper().createArrayNode();
    }
    ObjectNode run = runs.addObject()
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

  /** `a.b.c` tallies under a prefix as `{a: {b: c}}`. */
  private static ObjectNode nested(Map<String, Long> tallies, String prefix) {
    ObjectNode out = Json.mapper().createObjectNode();
    CountOutcomes.group(tallies, prefix).fields().forEachRemaining(e -> {
      int dot = e.getKey().lastIndexOf('.');
      ObjectNode inner = out.has(e.getKey().substring(0, dot)) ? (ObjectNode) out.get(e.getKey().substring(0, dot))
          : out.putObject(e.getKey().substring(0, dot));
      inner.set(e.getKey().substring(dot + 1), e.getValue());
    });
    return out;
  }

  static String relativize(String outputDir, String file) {
    String base = outputDir.endsWith("/") ? outputDir : outputDir + "/";
    return file.startsWith(base) ? file.substring(base.length()) : file;
  }

  static final class WriteFn extends DoFn<String, Void> {
    private final RunInfo info;
    private final Described described;
    private final PCollectionView<Map<String, Long>> tallies;
    private final PCollectionView<List<String>> dataFiles;

    WriteFn(RunInfo info, Described described, PCollectionView<Map<String, Long>> tallies,
        PCollectionView<List<String>> dataFiles) {
      this.info = info;
      this.described = described;
      this.tallies = tallies;
      this.dataFiles = dataFiles;
    }

    /** The card is written first: a folder with a manifest always has its card. */
    @ProcessElement
    public void process(@Element String name, ProcessContext c) throws IOException {
      ObjectNode manifest = document(info, described, c.sideInput(tallies), c.sideInput(dataFiles), Instant.now());
      JsonFiles.writeText(info.outputDir(), DatasetCard.FILE, DatasetCard.render(manifest), "text/markdown");
      JsonFiles.write(info.outputDir(), name, manifest);
    }
  }
}
