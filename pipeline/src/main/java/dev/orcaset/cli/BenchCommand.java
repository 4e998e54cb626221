package dev.orcaset.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orcaset.io.Json;
import dev.orcaset.io.JsonFiles;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import dev.orcaset.teacher.sim.WindowLimit;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * `orcaset bench`: the whole pipeline against the simulated teacher with a given latency and
 * limits. Reports achieved requests per minute against the ceiling — `min(RPM, TPM / tokens per
 * request)`, or `concurrency / latency` without limits — the 429 share, retries, peak in-flight,
 * rows accounted for, peak heap and RSS, and CPU seconds per 1,000 samples. The teacher stage is
 * timed at the server, so pipeline start-up does not count: end to end (first request to last
 * answer) and while sending (first request to last request admitted, the pace the limiter held).
 */
final class BenchCommand {
  /** The start of a run, when worker processes join the account, for the 429s' timeline. */
  private static final int START_SECONDS = 5;

  private final PrintWriter out;
  private final PrintWriter err;

  BenchCommand(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  int run(List<String> args) throws Exception {
    if (args.size() >= 2 && args.get(0).equals("--as-worker")) {
      return runAsWorker(Path.of(args.get(1)), args.subList(2, args.size()));
    }
    int requests = 5_000;
    int latency = 800;
    int jitter = 200;
    long rpm = 0;
    long tpm = 0;
    int concurrency = 64;
    int maxTokens = 256;
    double errorRate = 0;
    double resetRate = 0;
    int capacity = 0;
    boolean adaptive = true;
    WindowLimit.Style style = WindowLimit.Style.BUCKET;
    int window = 1;
    boolean headers = true;
    boolean retryAfter = true;
    boolean tellLimit = true;
    int workers = 1;
    String output = null;
    List<String> beam = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--requests" ->
            requests = (int) CliArgs.whole(CliArgs.value(args, ++i, a), a, 1, Integer.MAX_VALUE);
        case "--latency-ms" ->
            latency = (int) CliArgs.whole(CliArgs.value(args, ++i, a), a, 0, Integer.MAX_VALUE);
        case "--jitter-ms" ->
            jitter = (int) CliArgs.whole(CliArgs.value(args, ++i, a), a, 0, Integer.MAX_VALUE);
        case "--rpm" -> rpm = CliArgs.whole(CliArgs.value(args, ++i, a), a, 0, Long.MAX_VALUE);
        case "--tpm" -> tpm = CliArgs.whole(CliArgs.value(args, ++i, a), a, 0, Long.MAX_VALUE);
        case "--concurrency" ->
            concurrency = (int) CliArgs.whole(CliArgs.value(args, ++i, a), a, 1, Integer.MAX_VALUE);
        case "--max-tokens" ->
            maxTokens = (int) CliArgs.whole(CliArgs.value(args, ++i, a), a, 1, Integer.MAX_VALUE);
        case "--error-rate" -> errorRate = CliArgs.fraction(CliArgs.value(args, ++i, a), a);
        case "--reset-rate" -> resetRate = CliArgs.fraction(CliArgs.value(args, ++i, a), a);
        case "--capacity" ->
            capacity = (int) CliArgs.whole(CliArgs.value(args, ++i, a), a, 0, Integer.MAX_VALUE);
        case "--fixed-concurrency" -> adaptive = false;
        case "--limit-style" -> style = limitStyle(CliArgs.value(args, ++i, a));
        case "--window-s" -> window = (int) CliArgs.whole(CliArgs.value(args, ++i, a), a, 1, 60);
        case "--no-rate-headers" -> headers = false;
        case "--no-retry-after" -> retryAfter = false;
        case "--unknown-limit" -> tellLimit = false;
        case "--workers" -> workers = (int) CliArgs.whole(CliArgs.value(args, ++i, a), a, 1, 64);
        case "--output" -> output = CliArgs.value(args, ++i, a);
        default -> {
          if (a.startsWith("--") && a.contains("=")) {
            beam.add(a);
          } else {
            throw new UsageException("unknown argument '" + a + "' for bench");
          }
        }
      }
    }
    Path dir =
        output == null
            ? Files.createTempDirectory("orcaset-bench")
            : Files.createDirectories(Path.of(output));
    Path home = Main.home();
    String config =
        """
        input: {paths: [in.jsonl]}
        output: {dir: out}
        sampling: {enabled: false}
        prompts: {dir: %s}
        teacher: {provider: simulated, model: orcaset-sim-1, max_tokens: %d, max_attempts: 10, auth_header: none,
                  adaptive_concurrency: %s}
        license: {policy: %s}
        """
            .formatted(
                home.resolve("system-prompts"),
                maxTokens,
                adaptive,
                home.resolve("config/licenses.yaml"));

    var options =
        new SimulatedTeacher.Options(
            0,
            latency,
            jitter,
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
    long cpuBefore = ProcessStats.cpuNanos();
    try (SimulatedTeacher sim = SimulatedTeacher.start(options)) {
      List<String> runArgs =
          new ArrayList<>(
              List.of(
                  "--teacher-url",
                  sim.baseUrl(),
                  "--concurrency",
                  Integer.toString(concurrency),
                  "--rpm",
                  Long.toString(tellLimit ? rpm : 0),
                  "--tpm",
                  Long.toString(tellLimit ? tpm : 0),
                  // every request goes to the teacher; the journal is still written, as in a real
                  // run
                  "--fresh"));
      runArgs.addAll(beam);
      List<Path> workerDirs = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        Path wd = workers == 1 ? dir : Files.createDirectories(dir.resolve("worker-" + w));
        int from = (int) ((long) requests * w / workers);
        int to = (int) ((long) requests * (w + 1) / workers);
        Files.write(wd.resolve("in.jsonl"), inputs(from, to));
        Files.writeString(wd.resolve("bench.yaml"), config);
        workerDirs.add(wd);
      }
      Stats stats =
          workers == 1 ? runHere(workerDirs.get(0), runArgs) : runProcesses(workerDirs, runArgs);
      if (stats.exit() != 0) {
        return stats.exit();
      }
      double cpuSeconds = (ProcessStats.cpuNanos() - cpuBefore) / 1e9 + stats.childCpuSeconds();
      ObjectNode manifest = sum(workerDirs);
      ObjectNode report =
          report(
              manifest,
              sim,
              requests,
              latency,
              rpm,
              tpm,
              concurrency,
              capacity,
              maxTokens,
              cpuSeconds);
      report.put("workers", workers);
      report.put("peak_heap_mib", round(stats.peakHeapMib()));
      report.put("peak_rss_mib", round(stats.peakRssMib()));
      JsonFiles.write(dir.toString(), "bench.json", report);
      print(report, dir);
      return report.path("accounting").path("lost_rows").asLong() == 0 ? 0 : 1;
    }
  }

  /** What the workers used: exit code, CPU of child processes, and the largest heap and RSS. */
  private record Stats(int exit, double childCpuSeconds, double peakHeapMib, double peakRssMib) {}

  /** One worker pool, in this JVM (heap and RSS are this process's, simulator included). */
  private Stats runHere(Path wd, List<String> runArgs) throws Exception {
    List<String> args = new ArrayList<>(runArgs);
    args.addAll(0, List.of("--config", wd.resolve("bench.yaml").toString()));
    StringWriter runOut = new StringWriter();
    int exit = new RunCommand(new PrintWriter(runOut, true), err, null).run(RunArgs.parse(args));
    if (exit != 0) {
      out.print(runOut);
    }
    return new Stats(
        exit, 0, ProcessStats.peakHeapBytes() / 1048576.0, ProcessStats.peakRssKib() / 1024.0);
  }

  /**
   * Uncoordinated worker pools, one JVM each, as two jobs on one key or Dataflow workers are: each
   * is told the whole limit (or none) and knows nothing of the others but the account's answers.
   * Each reports its own peak heap and CPU when it ends.
   */
  private Stats runProcesses(List<Path> dirs, List<String> runArgs) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("java.class.path");
    List<Process> children = new ArrayList<>();
    for (Path wd : dirs) {
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  java,
                  "-Xmx2g",
                  "-Dorcaset.home=" + Main.home(),
                  "-cp",
                  classpath,
                  Main.class.getName(),
                  "bench",
                  "--as-worker",
                  wd.toString(),
                  "--config",
                  wd.resolve("bench.yaml").toString()));
      cmd.addAll(runArgs);
      children.add(
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(wd.resolve("worker.log").toFile())
              .start());
    }
    int exit = 0;
    for (int w = 0; w < children.size(); w++) {
      int code = children.get(w).waitFor();
      if (code != 0) {
        err.printf(
            "bench: worker %d exited %d; see %s%n", w, code, dirs.get(w).resolve("worker.log"));
        exit = code;
      }
    }
    double cpu = 0;
    double heap = 0;
    double rss = 0;
    for (Path wd : dirs) {
      JsonNode stats = JsonFiles.read(wd.toString(), "worker-stats.json");
      cpu += stats.path("cpu_seconds").asDouble();
      heap = Math.max(heap, stats.path("peak_heap_mib").asDouble());
      rss = Math.max(rss, stats.path("peak_rss_mib").asDouble());
    }
    return new Stats(exit, cpu, heap, rss);
  }

  /** A child of {@link #runProcesses}: one run, then this process's CPU and peaks. */
  private int runAsWorker(Path wd, List<String> beamAndRunArgs) throws Exception {
    int exit = new RunCommand(out, err, null).run(RunArgs.parse(beamAndRunArgs));
    ObjectNode stats = Json.mapper().createObjectNode();
    stats.put("cpu_seconds", ProcessStats.cpuNanos() / 1e9);
    stats.put("peak_heap_mib", ProcessStats.peakHeapBytes() / 1048576.0);
    stats.put("peak_rss_mib", ProcessStats.peakRssKib() / 1024.0);
    JsonFiles.write(wd.toString(), "worker-stats.json", stats);
    return exit;
  }

  /** The workers' manifests summed, as far as the report reads them. */
  private static ObjectNode sum(List<Path> dirs) throws IOException {
    ObjectNode total = Json.mapper().createObjectNode();
    ObjectNode counts = total.putObject("counts");
    ObjectNode usage = total.putObject("teacher_usage");
    for (Path wd : dirs) {
      JsonNode m = JsonFiles.read(wd.resolve("out").toString(), "manifest.json");
      for (String k : List.of("samples", "failed", "rejected", "duplicates", "filtered")) {
        counts.put(k, counts.path(k).asLong() + m.at("/counts/" + k).asLong());
      }
      for (String k : List.of("requests", "prompt_tokens", "http_attempts")) {
        usage.put(k, usage.path(k).asLong() + m.at("/teacher_usage/" + k).asLong());
      }
    }
    return total;
  }

  /** `--limit-style`'s value, as a usage error when it names no style. */
  static WindowLimit.Style limitStyle(String value) {
    try {
      return WindowLimit.Style.parse(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static ObjectNode report(
      JsonNode m,
      SimulatedTeacher sim,
      int requests,
      int latency,
      long rpm,
      long tpm,
      int concurrency,
      int capacity,
      int maxTokens,
      double cpuSeconds) {
    long samples = m.at("/counts/samples").asLong();
    long failed = m.at("/counts/failed").asLong();
    long asked = m.at("/teacher_usage/requests").asLong();
    double seconds = sim.activeSeconds();
    double achievedRpm = seconds > 0 ? sim.answeredByHash().size() / seconds * 60 : 0;
    // As the server's limiter charged them: prompt estimate plus the max_tokens reserved.
    double tokensPerRequest = asked == 0 ? maxTokens : sim.chargedTokensPerAdmitted();
    double ceiling;
    String bound;
    if (rpm > 0 || tpm > 0) {
      double byRequests = rpm > 0 ? rpm : Double.MAX_VALUE;
      double byTokens = tpm > 0 ? tpm / tokensPerRequest : Double.MAX_VALUE;
      ceiling = Math.min(byRequests, byTokens);
      bound = byRequests <= byTokens ? "rpm" : "tpm / tokens per request";
    } else if (capacity > 0 && capacity < concurrency) {
      // A server that slows down past its capacity serves at most capacity / latency.
      ceiling = capacity / (latency / 1000.0) * 60;
      bound = "server capacity / latency";
    } else {
      ceiling = concurrency / (latency / 1000.0) * 60;
      bound = "concurrency / latency";
    }
    ObjectNode r = Json.mapper().createObjectNode();
    r.put("requests", requests)
        .put("latency_ms", latency)
        .put("rpm", rpm)
        .put("tpm", tpm)
        .put("concurrency", concurrency)
        .put("server_capacity", capacity);
    r.put("teacher_stage_seconds", round(seconds));
    r.put("achieved_rpm", round(achievedRpm));
    r.put("ceiling_rpm", round(ceiling)).put("ceiling_bound", bound);
    r.put("ratio_of_ceiling", round(achievedRpm / ceiling));
    // The pace the limiter held while sending, first request to last one admitted: the same run's
    // end-to-end ratio also pays one answer latency at the end, which no limiter can shorten.
    r.put("sending_rpm", round(sim.admittedPerSecond() * 60));
    r.put("sending_ratio_of_ceiling", round(sim.admittedPerSecond() * 60 / ceiling));
    r.put("http_requests", sim.requestCount());
    r.put("share_429", round(sim.rateLimitedCount() / (double) Math.max(1, sim.requestCount())));
    ArrayNode bySecond = r.putArray("429s_by_second");
    for (long n : sim.refusedBySecond()) {
      bySecond.add(n);
    }
    ArrayNode admittedBySecond = r.putArray("admitted_by_second");
    for (long n : sim.admittedBySecond()) {
      admittedBySecond.add(n);
    }
    r.put("retries", m.at("/teacher_usage/http_attempts").asLong() - asked);
    r.put("peak_in_flight", sim.peakInFlight());
    r.put("mean_in_flight", round(sim.meanInFlight()));
    r.put("injected_500s", sim.injectedErrorCount())
        .put("dropped_connections", sim.droppedConnectionCount());
    r.putObject("accounting")
        .put("samples", samples)
        .put("failed", failed)
        .put(
            "lost_rows",
            requests
                - samples
                - failed
                - m.at("/counts/rejected").asLong()
                - m.at("/counts/duplicates").asLong()
                - m.at("/counts/filtered").asLong())
        .put(
            "answered_twice",
            sim.answeredByHash().values().stream().filter(n -> n.get() > 1).count());
    r.put("cpu_seconds_per_1k_samples", round(cpuSeconds / Math.max(1, samples) * 1000));
    return r;
  }

  private void print(ObjectNode r, Path dir) {
    out.printf(
        "orcaset bench: %d requests, latency %d ms, rpm %d, tpm %d, concurrency %d, server capacity"
            + " %s%n",
        r.get("requests").asInt(),
        r.get("latency_ms").asInt(),
        r.get("rpm").asLong(),
        r.get("tpm").asLong(),
        r.get("concurrency").asInt(),
        r.get("server_capacity").asInt() == 0 ? "unlimited" : r.get("server_capacity").asText());
    out.printf(
        "  achieved       %.0f requests/min over %.1f s of teacher stage%n",
        r.get("achieved_rpm").asDouble(), r.get("teacher_stage_seconds").asDouble());
    out.printf(
        "  ceiling        %.0f requests/min (%s): ratio %.3f end to end, %.3f while sending%n",
        r.get("ceiling_rpm").asDouble(),
        r.get("ceiling_bound").asText(),
        r.get("ratio_of_ceiling").asDouble(),
        r.get("sending_ratio_of_ceiling").asDouble());
    out.printf(
        "  429 share      %.2f%% of %d HTTP requests; %d retries; in flight: mean %.1f, peak %d%n",
        100 * r.get("share_429").asDouble(),
        r.get("http_requests").asLong(),
        r.get("retries").asLong(),
        r.get("mean_in_flight").asDouble(),
        r.get("peak_in_flight").asInt());
    long early = 0;
    long later = 0;
    JsonNode bySecond = r.get("429s_by_second");
    for (int second = 0; second < bySecond.size(); second++) {
      if (second < START_SECONDS) {
        early += bySecond.get(second).asLong();
      } else {
        later += bySecond.get(second).asLong();
      }
    }
    if (early + later > 0) {
      // Workers that join a busy account are refused at the start; probing, all along the run.
      out.printf(
          "  429s by time   %d in the first %d s, %d after (429s_by_second in bench.json)%n",
          early, START_SECONDS, later);
    }
    out.printf("  rows           %s%n", r.get("accounting"));
    out.printf(
        "  memory, CPU    peak heap %.0f MiB, peak RSS %.0f MiB, %.2f CPU s per 1k samples%n",
        r.get("peak_heap_mib").asDouble(),
        r.get("peak_rss_mib").asDouble(),
        r.get("cpu_seconds_per_1k_samples").asDouble());
    out.printf("  report         %s/bench.json%n", dir);
    out.flush();
  }

  private static List<String> inputs(int from, int to) {
    List<String> lines = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      lines.add(
          "{\"inputs\": \"Question "
              + i
              + ": a train leaves at 9:40 and arrives at 11:05. How long is the"
              + " trip? Explain step by step.\", \"task_source\": \""
              + List.of("CoT", "NIv2", "T0", "Flan2021").get(i % 4)
              + "\", \"template_type\": \"zs_opt\"}");
    }
    return lines;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
