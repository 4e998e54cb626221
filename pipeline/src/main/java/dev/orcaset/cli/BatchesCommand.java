package dev.orcaset.cli;

import dev.orcaset.config.ConfigLoader;
import dev.orcaset.config.ConfigValidator;
import dev.orcaset.config.OrcasetConfig;
import dev.orcaset.config.OutputConfig;
import dev.orcaset.teacher.RateLimiter;
import dev.orcaset.teacher.RetryInterceptor;
import dev.orcaset.teacher.TeacherHttp;
import dev.orcaset.teacher.batch.BatchApi;
import dev.orcaset.teacher.batch.BatchApis;
import dev.orcaset.teacher.batch.BatchLedger;
import dev.orcaset.teacher.batch.BatchRecord;
import dev.orcaset.teacher.batch.BatchStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import okhttp3.OkHttpClient;

/**
 * `orcaset batches status|cancel --config FILE [--output DIR] [--run ID]`: the batches a dataset's
 * runs submitted (from the journal's ledger), with the provider's live status of those not yet
 * collected; `cancel` cancels those. Also what `run --no-wait` prints after submitting.
 */
final class BatchesCommand {
  private final PrintWriter out;
  private final PrintWriter err;

  BatchesCommand(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  int run(List<String> args) throws IOException {
    if (args.isEmpty() || !List.of("status", "cancel").contains(args.get(0))) {
      throw new UsageException("batches needs 'status' or 'cancel'");
    }
    String config = null;
    String output = null;
    String run = null;
    for (int i = 1; i < args.size(); i++) {
      switch (args.get(i)) {
        case "--config" -> config = CliArgs.value(args, ++i, "--config");
        case "--output" -> output = CliArgs.value(args, ++i, "--output");
        case "--run" -> run = CliArgs.value(args, ++i, "--run");
        default -> throw new UsageException("unknown argument '" + args.get(i) + "' for batches");
      }
    }
    if (config == null) {
      throw new UsageException(
          "batches needs --config FILE (the provider and the dataset's journal come from it)");
    }
    OrcasetConfig cfg = ConfigLoader.load(Path.of(config));
    if (output != null) {
      cfg =
          cfg.withOutput(
              new OutputConfig(
                  Path.of(output).toAbsolutePath().toString(), cfg.output().compression()));
    }
    cfg = ConfigValidator.validate(cfg);
    BatchLedger ledger = new BatchLedger(cfg.journalDir());
    String onlyRun = run;
    List<BatchRecord> records =
        ledger.all().stream()
            .filter(r -> onlyRun == null || r.runId().startsWith(onlyRun))
            .toList();
    if (records.isEmpty()) {
      out.println("no batches recorded in " + ledger.dir());
      out.flush();
      return 0;
    }
    boolean cancel = args.get(0).equals("cancel");
    String key = System.getenv(cfg.teacher().apiKeyEnv());
    OkHttpClient http =
        TeacherHttp.client(
            cfg.teacher(), key, RateLimiter.unlimited(), RetryInterceptor.RetryListener.NONE);
    try {
      BatchApi api = cfg.teacher().isSimulated() ? null : BatchApis.of(cfg.teacher(), http, key);
      out.printf("%-28s %-10s %-24s %8s  %s%n", "batch", "run", "submitted", "requests", "state");
      for (BatchRecord r : records) {
        String state = r.collected() ? "collected (" + r.finalState() + ")" : live(api, r, cancel);
        out.printf(
            "%-28s %-10s %-24s %8d  %s%n",
            r.batchId(),
            r.runId().substring(0, 8),
            Instant.ofEpochMilli(r.submittedAtMillis()).toString().substring(0, 19) + "Z",
            r.requestHashes().size(),
            state);
      }
    } finally {
      TeacherHttp.shutdown(http);
    }
    out.flush();
    return 0;
  }

  private static String live(BatchApi api, BatchRecord r, boolean cancel) throws IOException {
    if (api == null) {
      return "open (the simulated teacher lives only inside a run; run again to collect)";
    }
    BatchStatus s = cancel ? api.cancel(r.batchId()) : api.get(r.batchId());
    return (cancel ? "cancel requested: " : "open: ")
        + s.providerStatus()
        + ", "
        + s.completed()
        + "/"
        + s.total()
        + " done"
        + (s.failed() > 0 ? ", " + s.failed() + " failed" : "");
  }

  /** After `run --no-wait`: what was submitted and how to collect it. */
  int submitted(OrcasetConfig cfg, String runId, String command) throws IOException {
    List<BatchRecord> open = new BatchLedger(cfg.journalDir()).open();
    long requests = open.stream().mapToLong(r -> r.requestHashes().size()).sum();
    out.printf(
        "orcaset: %d requests are in %d open batches (%s); nothing was written to %s yet.%n",
        requests,
        open.size(),
        String.join(", ", open.stream().map(BatchRecord::batchId).toList()),
        cfg.output().dir());
    out.println("orcaset: collect them (nothing is submitted twice) with:");
    out.println("  " + (command == null ? "./orcaset run ... (without --no-wait)" : command));
    out.println("orcaset: their status: ./orcaset batches status --config FILE");
    out.flush();
    return 0;
  }
}
