package dev.orcaset.cli;

import dev.orcaset.io.Locations;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * `run --detach`: the only way a run outlives the command that started it. The same run is started
 * as its own process in its own session (so a Ctrl-C in this terminal does not reach it), its
 * output to a log; that process does all a run does, to publishing the dataset, and stops as any
 * run stops: a SIGTERM to it cancels the job on its engine and saves what was paid for. Every other
 * way of ending the launcher stops the spending.
 */
final class Detached {
  /** How long the detached process is watched for failing at once (a held lock, a bad flag). */
  static final long WATCH_MILLIS = 3_000;

  private final PrintWriter err;

  Detached(PrintWriter err) {
    this.err = err;
  }

  /** Starts the run of {@code given} (its flags, `--detach` among them); returns the exit code. */
  int start(List<String> given, String outputDir) throws IOException, InterruptedException {
    Path logs =
        Locations.isLocal(outputDir)
            ? Path.of(outputDir, ".logs")
            : Path.of(System.getProperty("java.io.tmpdir"), "orcaset-logs");
    Files.createDirectories(logs);
    Path log =
        logs.resolve(
            "detached-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + ".log");
    List<String> cmd = new ArrayList<>();
    Path setsid = Path.of("/usr/bin/setsid");
    if (Files.isExecutable(setsid)) {
      cmd.add(setsid.toString()); // a session of its own: the terminal's Ctrl-C is not for it
    }
    cmd.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.add("run");
    given.stream().filter(a -> !a.equals("--detach")).forEach(cmd::add);
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (p.waitFor(WATCH_MILLIS, TimeUnit.MILLISECONDS) && p.exitValue() != 0) {
      err.println("orcaset: the detached run ended at once (exit " + p.exitValue() + "):");
      err.print(Files.readString(log));
      err.flush();
      return p.exitValue();
    }
    err.println(
        "orcaset: detached: the run goes on in process "
            + p.pid()
            + ", calling the teacher (and paying) until it has finished and published "
            + outputDir
            + ". Its output: "
            + log);
    err.println("orcaset: stop it (the job is cancelled and what was paid for is saved) with:");
    err.println("  kill " + p.pid());
    err.flush();
    return 0;
  }
}
