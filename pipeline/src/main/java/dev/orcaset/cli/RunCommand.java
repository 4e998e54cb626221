package dev.orcaset.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orcaset.config.ConfigException;
import dev.orcaset.config.ConfigLoader;
import dev.orcaset.config.ConfigValidator;
import dev.orcaset.config.OrcasetConfig;
import dev.orcaset.config.TeacherConfig;
import dev.orcaset.cost.Price;
import dev.orcaset.cost.PriceList;
import dev.orcaset.io.Json;
import dev.orcaset.io.JsonFiles;
import dev.orcaset.io.Locations;
import dev.orcaset.io.OutputFolder;
import dev.orcaset.journal.JournalStats;
import dev.orcaset.license.LicensePolicy;
import dev.orcaset.pipeline.OrcasetPipeline;
import dev.orcaset.pipeline.RunInfo;
import dev.orcaset.pipeline.RunPlan;
import dev.orcaset.pipeline.WriteRecords;
import dev.orcaset.prompts.SystemPromptSet;
import dev.orcaset.report.DatasetCard;
import dev.orcaset.report.Manifest;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * `orcaset run` and `estimate`: config + flags ({@link RunFlags}) → validated plan → pipeline, run
 * by {@link JobRunner} under the output folder's lock, published on success → summary.
 */
final class RunCommand {
  private final PrintWriter out;
  private final PrintWriter err;
  private final String resumeCommand;

  /** {@code resumeCommand}: what to tell the user to run to resume this run after a stop. */
  RunCommand(PrintWriter out, PrintWriter err, String resumeCommand) {
    this.out = out;
    this.err = err;
    this.resumeCommand = resumeCommand;
  }

  /** A validated run, ready to build: every file read and every check passed. */
  private record Prepared(
      PipelineOptions options,
      OrcasetConfig cfg,
      SystemPromptSet prompts,
      LicensePolicy policy,
      String judgeRubric) {}

  private Prepared prepare(RunArgs args) throws IOException {
    if (args.config() == null) {
      throw new UsageException("this command needs --config FILE (see config/local.yaml)");
    }
    PipelineOptions options = BeamOptions.parse(args.beamArgs());
    OrcasetConfig cfg =
        ConfigValidator.validate(RunFlags.apply(ConfigLoader.load(Path.of(args.config())), args));
    // The judge's and tiers' defaults (rubric, journal folders) filled in: the manifest names them.
    cfg = cfg.withQuality(cfg.quality().withJudge(cfg.judge())).withTiers(cfg.laterTiers());
    checkInputsExist(cfg.input().paths());
    checkIsAFolderIfPresent("output.dir", cfg.output().dir());
    checkIsAFolderIfPresent("journal.dir", cfg.journalDir());
    SystemPromptSet prompts = SystemPromptSet.load(Path.of(cfg.prompts().dir()));
    checkEverySampledSubmixHasAPrompt(cfg, prompts);
    LicensePolicy policy = LicensePolicy.load(Path.of(cfg.license().policy()));
    return new Prepared(options, cfg, prompts, policy, judgeRubric(cfg));
  }

  /**
   * {@code writeTo}: where the run writes, a staging folder for a run, the output for an estimate.
   */
  private RunInfo info(
      Prepared p, OrcasetConfig cfg, String runId, String writeTo, String previousRuns) {
    return new RunInfo(
        runId,
        Version.get(),
        System.currentTimeMillis(),
        Json.line(cfg),
        p.prompts().version(),
        p.policy().version(),
        writeTo,
        price(cfg.pricing(), cfg.teacher()).orElse(null),
        cfg.journalDir(),
        previousRuns,
        cfg.judge().enabled() ? price(cfg.pricing(), cfg.judge().teacher()).orElse(null) : null,
        cfg.tiers().stream().map(t -> price(cfg.pricing(), t.teacher()).orElse(null)).toList());
  }

  int run(RunArgs args) throws Exception {
    Prepared prepared = prepare(args);
    OrcasetConfig cfg = prepared.cfg();
    checkApiKey(cfg.teacher(), "teacher");
    if (cfg.judge().enabled()) {
      checkApiKey(cfg.judge().teacher(), "quality.judge.teacher");
    }
    for (int i = 0; i < cfg.tiers().size(); i++) {
      checkApiKey(cfg.tiers().get(i).teacher(), "tiers[" + i + "].teacher");
    }
    if (args.detach()) {
      // Checked here first, so a bad config is told now, not in a log nobody reads.
      return new Detached(err).start(args.given(), cfg.output().dir());
    }

    boolean simulatedJudge = cfg.judge().enabled() && cfg.judge().teacher().isSimulated();
    boolean simulatedTier = cfg.tiers().stream().anyMatch(t -> t.teacher().isSimulated());
    try (SimulatedTeacher sim =
        cfg.teacher().isSimulated() || simulatedJudge || simulatedTier
            ? SimulatedTeacher.start(0, cfg.teacher().simulatedLatencyMs(), 0)
            : null) {
      if (simulatedTier) {
        cfg =
            cfg.withTiers(
                cfg.tiers().stream()
                    .map(
                        t ->
                            t.teacher().isSimulated()
                                ? t.withTeacher(
                                    t.teacher().toBuilder().baseUrl(sim.baseUrl()).build())
                                : t)
                    .toList());
      }
      if (simulatedJudge) {
        cfg =
            cfg.withQuality(
                cfg.quality()
                    .withJudge(
                        cfg.quality()
                            .judge()
                            .withTeacher(
                                cfg.judge().teacher().toBuilder().baseUrl(sim.baseUrl()).build())));
      }
      if (cfg.teacher().isSimulated()) {
        cfg =
            cfg.withTeacher(
                cfg.teacher().toBuilder()
                    .provider(TeacherConfig.SIMULATED)
                    .baseUrl(sim.baseUrl())
                    .build());
        err.println(
            "orcaset: simulated teacher listening on "
                + sim.baseUrl()
                + " (answers are placeholders, tagged 'simulated')");
      }
      OutputFolder output = new OutputFolder(cfg.output().dir());
      try (AutoCloseable lock = output.lock()) {
        for (String leftover : output.cleanLeftovers()) {
          err.println("orcaset: removed " + leftover + " left by an earlier run");
        }
        checkJournalWritable(cfg.journalDir());
        String runId = UUID.randomUUID().toString();
        RunInfo info =
            info(prepared, cfg, runId, output.staging(runId), previousRuns(cfg.output().dir()));
        Pipeline pipeline = Pipeline.create(prepared.options());
        OrcasetPipeline.build(
            pipeline,
            new RunPlan(cfg, prepared.prompts(), prepared.policy(), info, prepared.judgeRubric()));
        err.println(
            "orcaset: running on "
                + prepared.options().getRunner().getSimpleName()
                + ", teacher "
                + cfg.teacher().provider()
                + "/"
                + cfg.teacher().model()
                + tierNames(cfg)
                + ", output "
                + cfg.output().dir()
                + (cfg.journal().reuse() ? "" : " (--fresh: not reusing the journal)"));
        err.flush();
        int code =
            new JobRunner(err, cfg, resumeCommand, args.noWorkerTimeoutS() * 1000)
                .run(pipeline, runId);
        if (code != 0) {
          return code;
        }
        if (cfg.teacher().isBatch() && !cfg.teacher().batch().collect()) {
          output.cleanLeftovers(); // nothing was written: the dataset stays as it was
          return new BatchesCommand(out, err).submitted(cfg, runId, resumeCommand);
        }
        finishStaging(info, cfg);
        output.publish(runId);
      }
      return new Summary(out).print(cfg, Manifest.read(cfg.output().dir()));
    }
  }

  /**
   * What the launcher adds to a finished job's staging folder before it is switched in: an empty
   * file in each of rejected/, failed/, filtered/ that got none (so "nothing failed" shows on
   * disk), and the dataset card, rendered from the manifest the job wrote, so a published folder
   * always has both.
   */
  private static void finishStaging(RunInfo info, OrcasetConfig cfg) throws IOException {
    String staging = info.outputDir();
    for (String folder : WriteRecords.FOLDERS) {
      MatchResult files =
          FileSystems.match(staging + "/" + folder + "/*", EmptyMatchTreatment.ALLOW);
      if (files.status() != MatchResult.Status.OK || files.metadata().isEmpty()) {
        JsonFiles.writeText(
            staging + "/" + folder,
            WriteRecords.emptyFileName(info.snapshotId()),
            "",
            "application/jsonl");
      }
    }
    JsonNode counted = JsonFiles.read(staging, "manifest.json");
    JsonNode manifest =
        PaidUsage.apply(
            counted, JournalStats.usageOfRun(info.journalDir(), info.runId()), info.price());
    for (int n = 1; n <= cfg.tiers().size() + 1; n++) {
      String journal = n == 1 ? info.journalDir() : cfg.laterTiers().get(n - 2).journalDir();
      manifest =
          PaidUsage.applyToTier(
              manifest, n, JournalStats.usageOfRun(journal, info.runId()), info.priceOfTier(n));
    }
    if (manifest != counted) {
      JsonFiles.write(staging, "manifest.json", manifest);
    }
    JsonFiles.writeText(staging, DatasetCard.FILE, DatasetCard.render(manifest), "text/markdown");
  }

  /** The `runs` history of the snapshot this run replaces, so the manifest keeps it. */
  private static String previousRuns(String outputDir) {
    try {
      JsonNode m = JsonFiles.read(outputDir, "manifest.json");
      return m.path("runs").isArray() ? m.path("runs").toString() : "[]";
    } catch (IOException | RuntimeException none) {
      return "[]";
    }
  }

  /** A path the run will write a folder at must not be an existing file. */
  private static void checkIsAFolderIfPresent(String key, String dir) {
    if (Locations.isLocal(dir) && Files.exists(Path.of(dir)) && !Files.isDirectory(Path.of(dir))) {
      throw new ConfigException(
          key, dir + " is an existing file, not a folder; name a folder (new or existing) instead");
    }
  }

  /**
   * A journal that cannot be written would lose paid answers: better to know before the first one.
   */
  private static void checkJournalWritable(String dir) {
    if (Locations.isLocal(dir)) {
      try {
        Files.createDirectories(Path.of(dir));
      } catch (IOException e) {
        throw new ConfigException(
            "journal.dir", "cannot create the journal folder " + dir + ": " + e);
      }
      if (!Files.isWritable(Path.of(dir))) {
        throw new ConfigException("journal.dir", "the journal folder " + dir + " is not writable");
      }
    }
  }

  /** `orcaset estimate`: what a run would send and cost, without calling the teacher. */
  int estimate(RunArgs args) throws IOException {
    Prepared prepared = prepare(args);
    OrcasetConfig cfg = prepared.cfg();
    Pipeline pipeline = Pipeline.create(prepared.options());
    String runId = UUID.randomUUID().toString();
    OrcasetPipeline.estimate(
        pipeline,
        new RunPlan(
            cfg,
            prepared.prompts(),
            prepared.policy(),
            info(prepared, cfg, runId, cfg.output().dir(), "[]"),
            prepared.judgeRubric()));
    try {
      pipeline.run().waitUntilFinish();
    } catch (RuntimeException e) {
      return new JobRunner(err, cfg, null).reportFailure(e, null);
    }
    return new Summary(out).printEstimate(cfg, JsonFiles.read(cfg.output().dir(), "estimate.json"));
  }

  /** ", then tier 2 P/M for N of them…" for each later tier; empty with one tier. */
  private static String tierNames(OrcasetConfig cfg) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cfg.tiers().size(); i++) {
      TeacherConfig t = cfg.tiers().get(i).teacher();
      sb.append(", tier ")
          .append(i + 2)
          .append(' ')
          .append(t.provider())
          .append('/')
          .append(t.model());
    }
    return sb.toString();
  }

  /** A model's price, at the batch share in `mode: batch`. */
  static Optional<Price> price(String pricing, TeacherConfig teacher) {
    if (pricing == null) {
      return Optional.empty();
    }
    PriceList list = PriceList.load(Path.of(pricing));
    return list.forModel(teacher.model())
        .map(
            p ->
                teacher.isBatch()
                    ? p.times(
                        list.batchFactor(),
                        "batch API at "
                            + Math.round(list.batchFactor() * 100)
                            + "% of the online price")
                    : p);
  }

  private static void checkInputsExist(List<String> patterns) throws IOException {
    List<MatchResult> results = FileSystems.match(patterns, EmptyMatchTreatment.ALLOW);
    for (int i = 0; i < patterns.size(); i++) {
      MatchResult r = results.get(i);
      if (r.status() != MatchResult.Status.OK || r.metadata().isEmpty()) {
        throw new ConfigException(
            "input.paths[" + i + "]", "no file matches '" + patterns.get(i) + "'");
      }
    }
  }

  private static void checkEverySampledSubmixHasAPrompt(
      OrcasetConfig cfg, SystemPromptSet prompts) {
    if (!cfg.sampling().enabled()) {
      return;
    }
    List<String> sampled = new ArrayList<>();
    cfg.sampling()
        .submixes()
        .forEach(
            (name, sc) -> {
              if (sc.maxRows() == null || sc.maxRows() > 0) {
                sampled.add(name);
              }
            });
    List<String> missing = prompts.submixesWithoutPrompt(sampled);
    if (!missing.isEmpty()) {
      throw new ConfigException(
          "sampling.submixes." + missing.get(0),
          "no system prompt in "
              + cfg.prompts().dir()
              + "/index.yaml has a weight for "
              + missing
              + " (nor 'default')");
    }
  }

  /**
   * The judge's rubric, read here so workers never read local files; null without a judge. An empty
   * or missing rubric would have the judge grade by nothing.
   */
  private static String judgeRubric(OrcasetConfig cfg) throws IOException {
    if (!cfg.judge().enabled()) {
      return null;
    }
    Path rubric = Path.of(cfg.judge().rubric());
    if (!Files.isRegularFile(rubric)) {
      throw new ConfigException(
          "quality.judge.rubric", "the judge's rubric " + rubric + " is not a file");
    }
    String text = Files.readString(rubric).strip();
    if (text.isEmpty()) {
      throw new ConfigException("quality.judge.rubric", rubric + " is empty");
    }
    return text;
  }

  /** {@code at}: where the teacher block is in the config, for the error. */
  private void checkApiKey(TeacherConfig t, String at) {
    if (t.isSimulated() || "none".equals(t.authHeader()) || System.getenv(t.apiKeyEnv()) != null) {
      return;
    }
    if (Providers.isHosted(t.provider())) {
      throw new ConfigException(
          at + ".api_key_env",
          "the environment variable "
              + t.apiKeyEnv()
              + " is not set; "
              + t.provider()
              + " needs an API key");
    }
    err.println(
        "orcaset: note: " + t.apiKeyEnv() + " is not set; sending requests without an API key");
  }
}
