package dev.orcaset.cli;

import dev.orcaset.config.ConfigException;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import dev.orcaset.teacher.sim.WindowLimit;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The `orcaset` command. Testable without a process: {@link #run} returns the exit code, only
 * {@link #main} exits. Codes: 0 the run completed (rejected or failed rows are reported, not
 * fatal), 1 the run failed, 2 the command line or config is wrong.
 */
public final class Main {
  static final String USAGE =
      """
      usage: orcaset <command> [options]

        demo [--output DIR] [BEAM OPTIONS]
            Run the pipeline on the bundled sample inputs against the built-in simulated
            teacher (config/local.yaml); writes out/demo/.
        run --config FILE [--input GLOB]... [--output DIR] [--teacher-url URL]
            [--teacher-model NAME] [--concurrency N] [--rpm N] [--tpm N] [--limit N]
            [--no-sampling] [--fresh] [--teacher-mode online|batch] [--no-wait] [--detach]
            [--no-worker-timeout-s N] [BEAM OPTIONS]
            Run the pipeline; flags override the config file. --teacher-url points at any
            OpenAI-compatible server (OpenAI, Azure OpenAI, vLLM, Ollama, llama.cpp, TGI).
            Answers already in the journal are reused, so re-running a stopped or changed run
            pays only for what is new; --fresh asks every question again. --teacher-mode batch
            goes through the provider's Batch API (half price); --no-wait returns once the
            batches are submitted, and the same command without it collects them. Stopping the
            command stops the run (and its job on a cluster); --detach is the only way to leave
            a run going: it continues as its own process, which prints how to stop it. A job
            on a cluster that has had no worker for --no-worker-timeout-s (60) is cancelled.
        estimate --config FILE [the same options as run]
            Count the questions a run would send and estimate tokens and cost, without calling
            the teacher (config/pricing.yaml); writes OUTPUT/estimate.json.
        teacher-sim [--port N] [--latency-ms N] [--jitter-ms N] [--rpm N] [--tpm N]
                    [--error-rate F] [--reset-rate F] [--capacity N]
                    [--limit-style sliding|fixed|bucket] [--window-s N] [--no-rate-headers]
                    [--no-retry-after]
            Serve the simulated teacher at http://127.0.0.1:N/v1 until stopped; the options
            make it behave like a loaded provider (429s with rate-limit headers, 500s, resets)
            or a self-hosted server that slows down past N requests at once. Limits are
            enforced as a sliding window, fixed clock-aligned windows or a token bucket of
            --window-s seconds (1 to 60; default bucket, 1 s); --no-rate-headers and
            --no-retry-after leave those out, as some deployments and proxies do.
        bench [--requests N] [--latency-ms N] [--jitter-ms N] [--rpm N] [--tpm N] [--concurrency N]
              [--max-tokens N] [--error-rate F] [--reset-rate F] [--capacity N] [--fixed-concurrency]
              [--limit-style sliding|fixed|bucket] [--window-s N] [--no-rate-headers]
              [--no-retry-after] [--unknown-limit] [--workers N]
              [--output DIR] [BEAM OPTIONS]
            Run the pipeline against the simulated teacher and report throughput against the
            ceiling, 429 share, retries, peak in-flight, memory and CPU (see README, Benchmark).
            The teacher-sim limit options apply; --unknown-limit does not tell the run --rpm/--tpm
            (it learns them from the headers, or from 429s alone); --workers N splits the requests
            over N worker processes on one account, each told the whole limit.
        flink-cluster start|stop|address|status [--dir DIR] [--task-managers N] [--slots N]
                      [--tm-memory SIZE] [--restart-attempts N] [--heartbeat-timeout-s N]
            A Flink session cluster on this machine from orcaset's jar: a JobManager and N
            TaskManagers (default 2 x 2 slots, 2048m each, 512m network memory, 3 restarts),
            PIDs and ports in DIR/cluster.json (default out/flink-cluster). Run on it with
            --flinkMaster=$(./orcaset flink-cluster address) --parallelism=N.
        inspect OUTPUT [--html FILE]
            Summarize a finished dataset (counts, licenses, tokens, quality gates) from its
            manifest; --html also writes a self-contained report with plots.
        batches status|cancel --config FILE [--output DIR] [--run ID]
            The batches a dataset's runs submitted, with the provider's status; or cancel them.
        export [--commercial-only] [--tier N] [--erase-prompts] OUTPUT DEST
            Copy the rows cleared for training commercial models, or one teacher tier's rows,
            or both, to DEST; --erase-prompts writes the training system prompt instead.
        licenses import FILE [--output FILE]
            Turn the Data Provenance audit's table of FLAN source licenses (TSV) into the
            shipped source policy (default config/licenses/flan-source-licenses.yaml).
        journal stats|compact [OUTPUT] [--journal DIR]
            Show what the response journal holds (OUTPUT/.journal by default), or rewrite it as
            few files with one entry per request.
        help | version

      BEAM OPTIONS are --name=value pipeline options, e.g. --runner=FlinkRunner --flinkMaster=[local].
      --verbose (any command) also shows the runner's own error logs; without it a failed run
      prints its cause in a few lines and writes the stack traces to OUTPUT/.logs/RUN.log.
      Exit codes: 0 completed, 1 run failed, 2 bad command line or config.
      """;

  private final PrintWriter out;
  private final PrintWriter err;

  public Main(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    args = verbose(args);
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = new Main(out, err).run(args);
    System.exit(code);
  }

  public int run(String... args) {
    if (args.length == 0) {
      err.print(USAGE);
      err.flush();
      return 2;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    try {
      return switch (args[0]) {
        case "run" -> new RunCommand(out, err, resumeCommand(args)).run(RunArgs.parse(rest));
        case "demo" ->
            new RunCommand(out, err, resumeCommand(args)).run(RunArgs.parse(demoArgs(rest)));
        case "estimate" -> new RunCommand(out, err, null).estimate(RunArgs.parse(rest));
        case "journal" -> new JournalCommand(out, err).run(rest);
        case "licenses" -> new LicensesCommand(out).run(rest);
        case "inspect" -> new InspectCommand(out).run(rest);
        case "export" -> new ExportCommand(out).run(rest);
        case "batches" -> new BatchesCommand(out, err).run(rest);
        case "teacher-sim" -> teacherSim(rest);
        case "bench" -> new BenchCommand(out, err).run(rest);
        case "flink-cluster" -> new FlinkClusterCommand(out, err).run(rest);
        case "help", "--help", "-h" -> {
          out.print(USAGE);
          out.flush();
          yield 0;
        }
        case "version", "--version" -> {
          out.println("orcaset " + Version.get());
          out.flush();
          yield 0;
        }
        default -> throw new UsageException("unknown command '" + args[0] + "'");
      };
    } catch (UsageException e) {
      err.println("orcaset: " + e.getMessage());
      err.print(USAGE);
      err.flush();
      return 2;
    } catch (ConfigException e) {
      err.println("orcaset: config error: " + e.getMessage());
      err.flush();
      return 2;
    } catch (Exception e) {
      err.println("orcaset: failed: " + e);
      err.flush();
      return 1;
    }
  }

  /**
   * `--verbose` anywhere on the command line: the runner's own error logs (Flink, Beam, Hadoop) are
   * shown on stderr again. Read before any logger exists, as slf4j-simple reads its levels once.
   */
  static String[] verbose(String[] args) {
    if (!Arrays.asList(args).contains("--verbose")) {
      return args;
    }
    System.setProperty("org.slf4j.simpleLogger.log.org.apache", "error");
    return Arrays.stream(args).filter(a -> !a.equals("--verbose")).toArray(String[]::new);
  }

  /**
   * The command that resumes a stopped run: the same one, without `--fresh` (which would ignore the
   * answers the stopped run saved), quoted for a POSIX shell.
   */
  static String resumeCommand(String... args) {
    List<String> words = new ArrayList<>(List.of("./orcaset"));
    for (String a : args) {
      if (!a.equals("--fresh") && !a.equals("--no-wait")) {
        words.add(a.matches("[A-Za-z0-9_./:=@%+,-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
      }
    }
    return String.join(" ", words);
  }

  /** `demo` is `run` on the bundled config: sample inputs, simulated teacher, out/demo. */
  static List<String> demoArgs(List<String> rest) {
    List<String> args = new ArrayList<>();
    args.add("--config");
    args.add(home().resolve("config/local.yaml").toString());
    args.addAll(rest);
    return args;
  }

  /** The install folder (set by the launcher); the working directory when run otherwise. */
  static Path home() {
    String h = System.getProperty("orcaset.home");
    return (h == null ? Path.of("") : Path.of(h)).toAbsolutePath().normalize();
  }

  private int teacherSim(List<String> rest) throws Exception {
    int port = 8099;
    int latency = 0;
    int jitter = -1;
    long rpm = 0;
    long tpm = 0;
    double errorRate = 0;
    double resetRate = 0;
    int capacity = 0;
    WindowLimit.Style style = WindowLimit.Style.BUCKET;
    int window = 1;
    boolean headers = true;
    boolean retryAfter = true;
    for (int i = 0; i < rest.size(); i++) {
      switch (rest.get(i)) {
        case "--port" ->
            port = (int) CliArgs.whole(CliArgs.value(rest, ++i, "--port"), "--port", 0, 65_535);
        case "--latency-ms" ->
            latency =
                (int)
                    CliArgs.whole(
                        CliArgs.value(rest, ++i, "--latency-ms"),
                        "--latency-ms",
                        0,
                        Integer.MAX_VALUE);
        case "--jitter-ms" ->
            jitter =
                (int)
                    CliArgs.whole(
                        CliArgs.value(rest, ++i, "--jitter-ms"),
                        "--jitter-ms",
                        0,
                        Integer.MAX_VALUE);
        case "--rpm" ->
            rpm = CliArgs.whole(CliArgs.value(rest, ++i, "--rpm"), "--rpm", 0, Long.MAX_VALUE);
        case "--tpm" ->
            tpm = CliArgs.whole(CliArgs.value(rest, ++i, "--tpm"), "--tpm", 0, Long.MAX_VALUE);
        case "--error-rate" ->
            errorRate = CliArgs.fraction(CliArgs.value(rest, ++i, "--error-rate"), "--error-rate");
        case "--reset-rate" ->
            resetRate = CliArgs.fraction(CliArgs.value(rest, ++i, "--reset-rate"), "--reset-rate");
        case "--capacity" ->
            capacity =
                (int)
                    CliArgs.whole(
                        CliArgs.value(rest, ++i, "--capacity"), "--capacity", 0, Integer.MAX_VALUE);
        case "--limit-style" ->
            style = BenchCommand.limitStyle(CliArgs.value(rest, ++i, "--limit-style"));
        case "--window-s" ->
            window =
                (int) CliArgs.whole(CliArgs.value(rest, ++i, "--window-s"), "--window-s", 1, 60);
        case "--no-rate-headers" -> headers = false;
        case "--no-retry-after" -> retryAfter = false;
        default ->
            throw new UsageException("unknown argument '" + rest.get(i) + "' for teacher-sim");
      }
    }
    var options =
        new SimulatedTeacher.Options(
            port,
            latency,
            jitter < 0 ? latency / 4 : jitter,
            rpm,
            tpm,
            errorRate,
            resetRate,
            1,
            capacity,
            style,
            window,
            headers,
            retryAfter);
    try (SimulatedTeacher sim = SimulatedTeacher.start(options)) {
      out.println("orcaset: simulated teacher at " + sim.baseUrl() + " (Ctrl-C to stop)");
      out.println("try: ./orcaset run --config config/local.yaml --teacher-url " + sim.baseUrl());
      out.flush();
      CountDownLatch forever = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown));
      forever.await();
    }
    return 0;
  }
}
