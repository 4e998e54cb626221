package dev.orcaset.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The flags of `orcaset run`. Flags override the config file; anything of the form `--name=value`
 * we do not know is a Beam pipeline option (`--runner=FlinkRunner`…).
 */
record RunArgs(
    String config,
    List<String> inputs,
    String output,
    String teacherUrl,
    String teacherModel,
    Integer concurrency,
    Long rpm,
    Long tpm,
    Long limit,
    boolean noSampling,
    boolean fresh,
    String teacherMode,
    boolean noWait,
    boolean detach,
    long noWorkerTimeoutS,
    List<String> beamArgs,
    List<String> given) {

  /**
   * How long a run on a cluster waits with no worker left (Flink: no TaskManager registered) before
   * it cancels the job: long enough for a supervisor to restart a TaskManager.
   */
  static final long DEFAULT_NO_WORKER_TIMEOUT_S = 60;

  static RunArgs parse(List<String> args) {
    String config = null;
    List<String> inputs = new ArrayList<>();
    String output = null;
    String url = null;
    String model = null;
    Integer concurrency = null;
    Long rpm = null;
    Long tpm = null;
    Long limit = null;
    boolean noSampling = false;
    boolean fresh = false;
    String mode = null;
    boolean noWait = false;
    boolean detach = false;
    long noWorkerTimeout = DEFAULT_NO_WORKER_TIMEOUT_S;
    List<String> beam = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      String inline = a.contains("=") ? a.substring(a.indexOf('=') + 1) : null;
      switch (name) {
        case "--config" -> config = value(args, i++, inline, name);
        case "--input" -> inputs.add(value(args, i++, inline, name));
        case "--output" -> output = value(args, i++, inline, name);
        case "--teacher-url" -> url = value(args, i++, inline, name);
        case "--teacher-model" -> model = value(args, i++, inline, name);
        case "--concurrency" ->
            concurrency = (int) number(value(args, i++, inline, name), name, 1, 4096);
        case "--rpm" -> rpm = number(value(args, i++, inline, name), name, 0, Long.MAX_VALUE);
        case "--tpm" -> tpm = number(value(args, i++, inline, name), name, 0, Long.MAX_VALUE);
        case "--limit" -> limit = number(value(args, i++, inline, name), name, 1, Long.MAX_VALUE);
        case "--no-sampling" -> noSampling = true;
        case "--fresh" -> fresh = true;
        case "--teacher-mode" -> {
          mode = value(args, i++, inline, name);
          if (!mode.equals("online") && !mode.equals("batch")) {
            throw new UsageException("--teacher-mode must be online or batch, got '" + mode + "'");
          }
        }
        case "--no-wait" -> noWait = true;
        case "--detach" -> detach = true;
        case "--no-worker-timeout-s" ->
            noWorkerTimeout = number(value(args, i++, inline, name), name, 1, 86_400);
        default -> {
          if (a.startsWith("--") && inline != null) {
            beam.add(a);
          } else {
            throw new UsageException(
                "unknown argument '"
                    + a
                    + "'"
                    + (a.startsWith("--") ? " (Beam options take the form --name=value)" : ""));
          }
        }
      }
      if (inline != null
          && List.of(
                  "--config",
                  "--input",
                  "--output",
                  "--teacher-url",
                  "--teacher-model",
                  "--concurrency",
                  "--rpm",
                  "--tpm",
                  "--limit",
                  "--teacher-mode",
                  "--no-worker-timeout-s")
              .contains(name)) {
        i--; // the value was inline, nothing extra consumed
      }
    }
    return new RunArgs(
        config,
        inputs,
        output,
        url,
        model,
        concurrency,
        rpm,
        tpm,
        limit,
        noSampling,
        fresh,
        mode,
        noWait,
        detach,
        noWorkerTimeout,
        beam,
        List.copyOf(args));
  }

  private static String value(List<String> args, int i, String inline, String name) {
    return inline != null ? inline : CliArgs.value(args, i + 1, name);
  }

  private static long number(String v, String name, long min, long max) {
    return CliArgs.whole(v, name, min, max);
  }
}
