package dev.orcaset.pipeline;

import dev.orcaset.TestRuns;
import dev.orcaset.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One `orcaset run` through the command line, in this JVM: its exit code, output and folder. */
record CliRun(int exit, String out, String err, Path output) {
  /** Runs {@code config} against the teacher at {@code teacherUrl}, writing to {@code output}. */
  static CliRun run(Path config, String teacherUrl, Path output, String... extra) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        new Main(new PrintWriter(out, true), new PrintWriter(err, true))
            .run(args(config, teacherUrl, output, extra).toArray(String[]::new));
    return new CliRun(exit, out.toString(), err.toString(), output);
  }

  /** The built jar, as Maven's integration tests get it. */
  static final Path JAR =
      Path.of(System.getProperty("orcaset.jar", "target/orcaset.jar")).toAbsolutePath();

  /** {@code java -jar orcaset.jar ARGS}, as a user launches it, for a process of its own. */
  static List<String> jarCommand(List<String> args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorcaset.home=" + TestRuns.HOME,
                "-jar",
                JAR.toString()));
    cmd.addAll(args);
    return cmd;
  }

  /** The command line of such a run (after the program name), for a launcher process too. */
  static List<String> args(Path config, String teacherUrl, Path output, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--config",
                config.toString(),
                "--teacher-url",
                teacherUrl,
                "--output",
                output.toString()));
    args.addAll(List.of(extra));
    return args;
  }
}
