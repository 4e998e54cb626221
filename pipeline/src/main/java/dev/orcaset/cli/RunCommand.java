package dev.orcaset.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orcaset.config.ConfigException;
import dev.orcaset.config.ConfigLoader;
import dev.orcaset.config.ConfigValidator;
import dev.orcaset.config.InputConfig;
import dev.orcaset.config.OrcasetConfig;
import dev.orcaset.config.OutputConfig;
import dev.orcaset.config.TeacherConfig;
import dev.orcaset.cost.Price;
import dev.orcaset.cost.PriceList;
import dev.orcaset.io.Json;
import dev.orcaset.io.JsonFiles;
import dev.orcaset.io.Locations;
import dev.orcaset.io.OutputFolder;
import dev.orcaset.journal.JournalStats;
import dev.orcaset.teacher.TeacherPool;
import dev.orcaset.license.LicensePolicy;
import dev.orcaset.pipeline.OrcasetPipeline;
import dev.orcaset.pipeline.RunInfo;
import dev.orcaset.pipeline.RunPlan;
import dev.orcaset.prompts.SystemPromptSet;
import dev.orcaset.teacher.Redactor;
import dev.orcaset.teacher.TeacherException;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** `orcaset run`: config + flags → validated plan → pipeline → summary. */
final class RunCommand {
  /** How long a stopping run waits for the answers in flight. */
  static final long SIGNAL_GRACE_MILLIS = 10_000;

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
  private record Prepared(PipelineOptions options, OrcasetConfig cfg, SystemPromptSet prompts, LicensePolicy policy) {}

  private Prepared prepare(RunArgs args) throws IOException {
    if (args.config() == null) {
      throw new UsageException("this command needs --config FILE (see config/local.yaml)");
    }
    PipelineOptions options = beamOptions(args.beamArgs());
    OrcasetConfig cfg = ConfigValidator.validate(applyFlags(ConfigLoader.load(Path.of(args.config())), args));
    checkInputsExist(cfg.input().paths());
    SystemPromptSet prompts = SystemPromptSet.load(Path.of(cfg.prompts().dir()));
    checkEverySampledSubmixHasAPrompt(cfg, prompts);
    LicensePolicy policy = LicensePolicy.load(Path.of(cfg.license().policy()));
    return new Prepared(options, cfg, prompts, policy);
  }

  /** {@code writeTo}: where the run writes, a staging folder for a run, the output for an estimate. */
  private RunInfo info(Prepared p, OrcasetConfig cfg, String runId, String writeTo, String previousRuns) {
    return new RunInfo(runId, Version.get(), System.currentTimeMillis(), Json.line(cfg), p.prompts().version(),
        p.policy().version(), writeTo, price(cfg).orElse(null), cfg.journalDir(), previousRuns);
  }

  int run(RunArgs args) throws Exception {
    Prepared prepared = prepare(args);
    OrcasetConfig cfg = prepared.cfg();
    checkApiKey(cfg.teacher());

    try (SimulatedTeacher sim = cfg.teacher().isSimulated()
        ? SimulatedTeacher.start(0, cfg.teacher().simulatedLatencyMs(), 0) : null) {
      if (sim != null) {
        cfg = cfg.withTeacher(cfg.teacher().withEndpoint(TeacherConfig.SIMULATED, sim.baseUrl()));
        err.println("orcaset: simulated teacher listening on " + sim.baseUrl()
            + " (answers are placeholders, tagged 'simulated')");
      }
      OutputFolder output = new OutputFolder(cfg.output().dir());
      try (AutoCloseable lock = output.lock()) {
        for (String leftover : output.cleanLeftovers()) {
          err.println("orcaset: removed " + leftover + " left by an earlier run");
        }
        checkJournalWritable(cfg.journalDir());
        String runId = java.util.UUID.randomUUID().toString();
        RunInfo info = info(prepared, cfg, runId, output.staging(runId), previousRuns(cfg.output().dir()));
        Pipeline pipeline = Pipeline.create(prepared.options());
        OrcasetPipeline.build(pipeline, new RunPlan(cfg, prepared.prompts(), prepared.policy(), info));
        err.println("orcaset: running on " + prepared.options().getRunner().getSimpleName() + ", teacher "
            + cfg.teacher().provider() + "/" + cfg.teacher().model() + ", output " + cfg.output().dir()
            + (cfg.journal().reuse() ? "" : " (--fresh: not reusing the journal)"));
        err.flush();
        int code = runUntilDone(pipeline, cfg, runId);
        if (code != 0) {
          return code;
        }
        if (cfg.teacher().isBatch() && !cfg.teacher().batch().collect()) {
          output.cleanLeftovers(); // nothing was written: the dataset stays as it was
          return new BatchesCommand(out, err).submitted(cfg, runId, resumeCommand);
        }
        output.publish(runId);
      }
      return new Summary(out).print(cfg, JsonFiles.read(cfg.output().dir(), "manifest.json"));
    }
  }

  /**
   * Runs the job. Whatever stops it (a fatal teacher error, a crash, SIGTERM or Ctrl-C), the
   * answers already paid for are flushed to the journal first and the user is told how to resume.
   */
  private int runUntilDone(Pipeline pipeline, OrcasetConfig cfg, String runId) {
    AtomicBoolean interrupted = new AtomicBoolean();
    Thread onSignal = new Thread(() -> {
      interrupted.set(true);
      // Requests in flight are paid for: wait a little for their answers, within the grace
      // period schedulers give (Kubernetes and Dataflow allow 30 s).
      TeacherPool.drainAll(SIGNAL_GRACE_MILLIS);
      err.println();
      err.println("orcaset: interrupted. " + resumeHint(cfg, runId));
      err.flush();
    }, "orcaset-interrupted");
    Runtime.getRuntime().addShutdownHook(onSignal);
    try {
      PipelineResult.State state = pipeline.run().waitUntilFinish();
      if (state != PipelineResult.State.DONE) {
        TeacherPool.flushJournals();
        err.println("orcaset: the run ended in state " + state + ". " + resumeHint(cfg, runId));
        return 1;
      }
      return 0;
    } catch (RuntimeException e) {
      if (interrupted.get()) {
        return 1; // the signal handler tells the user
      }
      TeacherPool.flushJournals();
      return reportFailure(e, cfg, runId);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(onSignal);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or about to: it tells the user
      }
    }
  }

  /** How many answers of this run are safe, and the command that picks up from there. */
  private String resumeHint(OrcasetConfig cfg, String runId) {
    long saved;
    try {
      saved = JournalStats.entriesOfRun(cfg.journalDir(), runId);
    } catch (IOException e) {
      saved = -1;
    }
    String what = saved < 0 ? "Answers of this run are saved in the journal at " + cfg.journalDir()
        : saved + " answers this run paid for are saved in the journal at " + cfg.journalDir();
    return what + "; the dataset in " + cfg.output().dir() + " is unchanged. Resume (only unanswered"
        + " questions are sent) with:\n  " + resumeCommand;
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

  /** A journal that cannot be written would lose paid answers: better to know before the first one. */
  private static void checkJournalWritable(String dir) {
    if (Locations.isLocal(dir)) {
      try {
        Files.createDirectories(Path.of(dir));
      } catch (IOException e) {
        throw new ConfigException("journal.dir", "cannot create the journal folder " + dir + ": " + e);
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
    String runId = java.util.UUID.randomUUID().toString();
    OrcasetPipeline.estimate(pipeline, new RunPlan(cfg, prepared.prompts(), prepared.policy(),
        info(prepared, cfg, runId, cfg.output().dir(), "[]")));
    try {
      pipeline.run().waitUntilFinish();
    } catch (RuntimeException e) {
      return reportFailure(e, cfg, null);
    }
    return new Summary(out).printEstimate(cfg, JsonFiles.read(cfg.output().dir(), "estimate.json"));
  }

  /** The model's price, at the batch share in `teacher.mode: batch`. */
  static java.util.Optional<Price> price(OrcasetConfig cfg) {
    if (cfg.pricing() == null) {
      return java.util.Optional.empty();
    }
    PriceList list = PriceList.load(Path.of(cfg.pricing()));
    return list.forModel(cfg.teacher().model()).map(p -> cfg.teacher().isBatch()
        ? p.times(list.batchFactor(), "batch API at " + Math.round(list.batchFactor() * 100) + "% of the online price")
        : p);
  }

  /** {@code runId} null: nothing was sent (an estimate), so there is nothing to resume. */
  private int reportFailure(RuntimeException e, OrcasetConfig cfg, String runId) {
    String key = System.getenv(cfg.teacher().apiKeyEnv());
    String hint = runId == null ? "" : "\norcaset: " + resumeHint(cfg, runId);
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TeacherException te && te.kind() == TeacherException.Kind.FATAL) {
        err.println("orcaset: stopped: " + Redactor.redact(te.getMessage(), key));
        err.println("orcaset: fix the cause above." + hint);
        return 1;
      }
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    err.println("orcaset: the run failed: " + Redactor.redact(String.valueOf(root), key) + hint);
    return 1;
  }

  /**
   * Beam options from the command line. Without `--runner`, runs on Flink in-process: Beam's
   * DirectRunner is built for tests, hands records over one per bundle after a shuffle and pays a
   * fixed cost per bundle, which makes even small runs slow.
   */
  static PipelineOptions beamOptions(List<String> beamArgs) {
    List<String> args = new ArrayList<>(beamArgs);
    if (args.contains("--runner=DirectRunner") && args.stream().noneMatch(a -> a.startsWith("--enforceImmutability="))) {
      // The check walks the whole pipeline graph for every bundle, and after a shuffle the
      // DirectRunner makes a bundle per key: it dominated small runs. Our elements are records.
      args.add("--enforceImmutability=false");
    }
    if (args.stream().noneMatch(a -> a.startsWith("--runner="))) {
      args.add("--runner=FlinkRunner");
      if (args.stream().noneMatch(a -> a.startsWith("--flinkMaster="))) {
        args.add("--flinkMaster=[local]");
      }
    }
    try {
      PipelineOptions options = PipelineOptionsFactory.fromArgs(args.toArray(String[]::new))
          .withValidation().create();
      FileSystems.setDefaultPipelineOptions(options);
      return options;
    } catch (IllegalArgumentException e) {
      throw new UsageException("Beam option problem: " + e.getMessage());
    }
  }

  static OrcasetConfig applyFlags(OrcasetConfig cfg, RunArgs args) {
    Path cwd = Path.of("").toAbsolutePath();
    if (!args.inputs().isEmpty()) {
      cfg = cfg.withInput(new InputConfig(args.inputs().stream().map(p -> ConfigLoader.resolve(cwd, p)).toList()));
    }
    if (args.output() != null) {
      cfg = cfg.withOutput(new OutputConfig(ConfigLoader.resolve(cwd, args.output()), cfg.output().compression()));
    }
    if (args.teacherUrl() != null) {
      cfg = cfg.withTeacher(cfg.teacher().withEndpoint(providerFor(args.teacherUrl(), cfg.teacher()), args.teacherUrl()));
    }
    if (args.teacherModel() != null) {
      cfg = cfg.withTeacher(cfg.teacher().withModel(args.teacherModel()));
    }
    if (args.concurrency() != null) {
      cfg = cfg.withTeacher(cfg.teacher().withConcurrency(args.concurrency()));
    }
    if (args.rpm() != null || args.tpm() != null) {
      cfg = cfg.withTeacher(cfg.teacher().withLimits(args.rpm(), args.tpm()));
    }
    if (args.limit() != null) {
      cfg = cfg.withLimit(args.limit());
    }
    if (args.noSampling()) {
      cfg = cfg.withSampling(cfg.sampling().withEnabled(false));
    }
    if (args.teacherMode() != null) {
      cfg = cfg.withTeacher(cfg.teacher().withMode(args.teacherMode()));
    }
    if (args.noWait()) {
      if (!cfg.teacher().isBatch()) {
        throw new UsageException("--no-wait only applies to batch mode (teacher.mode: batch or --teacher-mode batch)");
      }
      cfg = cfg.withTeacher(cfg.teacher().withBatch(cfg.teacher().batch().withCollect(false)));
    }
    if (args.fresh()) {
      cfg = cfg.withJournal(cfg.journal().withReuse(false));
    }
    return cfg;
  }

  /**
   * The provider a URL points at, which decides license tags: known hosts by name, anything else
   * (vLLM, Ollama, llama.cpp…) as `openai-compatible`, keeping a non-simulated configured name.
   */
  static String providerFor(String url, TeacherConfig current) {
    String host;
    try {
      host = String.valueOf(URI.create(url).getHost()).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return current.provider();
    }
    if (host.equals("api.openai.com")) {
      return "openai";
    }
    if (host.endsWith(".openai.azure.com")) {
      return "azure-openai";
    }
    if (host.equals("api.anthropic.com")) {
      return "anthropic";
    }
    if (host.equals("generativelanguage.googleapis.com")) {
      return "google";
    }
    return current.isSimulated() ? "openai-compatible" : current.provider();
  }

  private static void checkInputsExist(List<String> patterns) throws IOException {
    List<MatchResult> results = FileSystems.match(patterns, EmptyMatchTreatment.ALLOW);
    for (int i = 0; i < patterns.size(); i++) {
      MatchResult r = results.get(i);
      if (r.status() != MatchResult.Status.OK || r.metadata().isEmpty()) {
        throw new ConfigException("input.paths[" + i + "]", "no file matches '" + patterns.get(i) + "'");
      }
    }
  }

  private static void checkEverySampledSubmixHasAPrompt(OrcasetConfig cfg, SystemPromptSet prompts) {
    if (!cfg.sampling().enabled()) {
      return;
    }
    List<String> sampled = new ArrayList<>();
    cfg.sampling().submixes().forEach((name, sc) -> {
      if (sc.maxRows() == null || sc.maxRows() > 0) {
        sampled.add(name);
      }
    });
    List<String> missing = prompts.submixesWithoutPrompt(sampled);
    if (!missing.isEmpty()) {
      throw new ConfigException("sampling.submixes." + missing.get(0), "no system prompt in "
          + cfg.prompts().dir() + "/index.yaml has a weight for " + missing + " (nor 'default')");
    }
  }

  private void checkApiKey(TeacherConfig t) {
    if (t.isSimulated() || "none".equals(t.authHeader()) || System.getenv(t.apiKeyEnv()) != null) {
      return;
    }
    boolean hosted = List.of("openai", "azure-openai", "anthropic", "google").contains(t.provider());
    if (hosted) {
      throw new ConfigException("teacher.api_key_env", "the environment variable " + t.apiKeyEnv()
          + " is not set; " + t.provider() + " needs an API key");
    }
    err.println("orcaset: note: " + t.apiKeyEnv() + " is not set; sending requests without an API key");
  }

}
