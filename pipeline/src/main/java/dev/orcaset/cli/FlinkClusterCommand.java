package dev.orcaset.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orcaset.io.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * `orcaset flink-cluster start|stop|address|status`: a Flink 1.19 session cluster on this machine,
 * a JobManager and N TaskManagers as separate JVMs, from orcaset's own jar (Flink's runtime is in
 * it), for a run with {@code --flinkMaster=ADDRESS --parallelism=N} as on a real cluster.
 *
 * <p>The memory flags are the ones Flink's own scripts compute (`BashJavaUtils
 * GET_TM_RESOURCE_PARAMS`), from a config with the network memory our job graph needs (Flink's
 * default leaves about 400 buffers, the job asks for 512) and a restart strategy: Beam's
 * `--numberOfExecutionRetries` is ignored by a session cluster, so without one a lost TaskManager
 * fails the job. The processes' PIDs and ports are kept in `DIR/cluster.json`; {@code stop} ends
 * exactly those processes.
 */
final class FlinkClusterCommand {
  static final String DEFAULT_DIR = "out/flink-cluster";
  private static final String STATE = "cluster.json";
  private static final String JOB_MANAGER =
      "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
  private static final String TASK_MANAGER =
      "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
  private static final String MEMORY_FLAGS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
  private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

  private final PrintWriter out;
  private final PrintWriter err;

  FlinkClusterCommand(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  /** What {@code start} was asked for. */
  record Spec(
      Path dir,
      int taskManagers,
      int slots,
      String taskManagerMemory,
      int restartAttempts,
      int heartbeatTimeoutSeconds) {}

  int run(List<String> args) throws Exception {
    if (args.isEmpty()) {
      throw new UsageException("flink-cluster needs start, stop, address or status");
    }
    Path dir = Path.of(DEFAULT_DIR);
    int taskManagers = 2;
    int slots = 2;
    String memory = "2048m";
    int restarts = 3;
    int heartbeat = 10;
    for (int i = 1; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--dir" -> dir = Path.of(CliArgs.value(args, ++i, a));
        case "--task-managers" ->
            taskManagers = (int) CliArgs.whole(CliArgs.value(args, ++i, a), a, 1, 16);
        case "--slots" -> slots = (int) CliArgs.whole(CliArgs.value(args, ++i, a), a, 1, 64);
        case "--tm-memory" -> memory = memorySize(CliArgs.value(args, ++i, a), a);
        case "--restart-attempts" ->
            restarts = (int) CliArgs.whole(CliArgs.value(args, ++i, a), a, 0, 1000);
        case "--heartbeat-timeout-s" ->
            heartbeat = (int) CliArgs.whole(CliArgs.value(args, ++i, a), a, 2, 600);
        default -> throw new UsageException("flink-cluster: unknown option " + a);
      }
    }
    dir = dir.toAbsolutePath().normalize();
    return switch (args.get(0)) {
      case "start" -> start(new Spec(dir, taskManagers, slots, memory, restarts, heartbeat));
      case "stop" -> stop(dir);
      case "address" -> address(dir);
      case "status" -> status(dir);
      default -> throw new UsageException("flink-cluster needs start, stop, address or status");
    };
  }

  private static String memorySize(String v, String name) {
    if (!v.matches("[0-9]+[mMgG]")) {
      throw new UsageException(name + " needs a size such as 2048m or 2g, got '" + v + "'");
    }
    return v.toLowerCase();
  }

  private int start(Spec spec) throws Exception {
    Optional<JsonNode> running = readState(spec.dir());
    if (running.isPresent() && anyAlive(running.get())) {
      err.println(
          "orcaset: a Flink cluster started from "
              + spec.dir()
              + " is still running (address "
              + running.get().path("address").asText()
              + "); stop it first: ./orcaset flink-cluster stop --dir "
              + spec.dir());
      return 1;
    }
    Path conf = Files.createDirectories(spec.dir().resolve("conf"));
    Path logs = Files.createDirectories(spec.dir().resolve("log"));
    int restPort = freePort();
    int rpcPort = freePort();
    Files.writeString(conf.resolve("config.yaml"), config(spec, restPort, rpcPort));

    List<String> jm = memoryFlags("GET_JM_RESOURCE_PARAMS", conf, logs);
    List<String> tm = memoryFlags("GET_TM_RESOURCE_PARAMS", conf, logs);
    ObjectNode state = Json.mapper().createObjectNode();
    state.put("address", "localhost:" + restPort);
    state.put("rest_port", restPort);
    state.put("task_managers_wanted", spec.taskManagers());
    ArrayNode processes = state.putArray("processes");
    try {
      processes.add(
          launch(
              "jobmanager",
              jvm(jm),
              JOB_MANAGER,
              dynamic(jm, "--executionMode", "cluster"),
              conf,
              logs));
      for (int i = 0; i < spec.taskManagers(); i++) {
        processes.add(launch("taskmanager-" + i, jvm(tm), TASK_MANAGER, dynamic(tm), conf, logs));
      }
    } finally {
      // Recorded before waiting, so `stop` ends whatever did start even if this never gets ready.
      Files.writeString(
          spec.dir().resolve(STATE),
          Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(state));
    }
    String problem = awaitTaskManagers(restPort, spec.taskManagers(), processes);
    if (problem != null) {
      err.println("orcaset: the Flink cluster did not start: " + problem + "; logs in " + logs);
      stop(spec.dir());
      return 1;
    }
    out.printf(
        "Flink session cluster ready: %d TaskManagers x %d slots, web UI http://localhost:%d%n"
            + "  run on it:  ./orcaset run ... --flinkMaster=localhost:%d --parallelism=N%n"
            + "  stop it:    ./orcaset flink-cluster stop --dir %s%n",
        spec.taskManagers(), spec.slots(), restPort, restPort, spec.dir());
    out.flush();
    return 0;
  }

  /**
   * The cluster's config: ports chosen here, the network memory our job graph needs, slots spread
   * over TaskManagers (so a parallelism-2 run uses both), a restart strategy, and a heartbeat short
   * enough that a killed TaskManager is noticed in seconds, not Flink's default 50.
   */
  static String config(Spec spec, int restPort, int rpcPort) {
    return String.join(
        "\n",
        "# Written by ./orcaset flink-cluster start; Flink reads it as its conf/config.yaml.",
        "jobmanager.rpc.address: localhost",
        "jobmanager.rpc.port: " + rpcPort,
        "jobmanager.bind-host: localhost",
        "taskmanager.bind-host: localhost",
        "taskmanager.host: localhost",
        "rest.address: localhost",
        "rest.bind-address: localhost",
        "rest.port: " + restPort,
        "jobmanager.memory.process.size: 1024m",
        "taskmanager.memory.process.size: " + spec.taskManagerMemory(),
        "taskmanager.memory.managed.fraction: 0.2",
        "taskmanager.memory.network.min: 512m",
        "taskmanager.memory.network.max: 512m",
        "taskmanager.numberOfTaskSlots: " + spec.slots(),
        "cluster.evenly-spread-out-slots: true",
        "restart-strategy.type: fixed-delay",
        "restart-strategy.fixed-delay.attempts: " + spec.restartAttempts(),
        "restart-strategy.fixed-delay.delay: 2 s",
        "heartbeat.interval: " + Math.max(1000, spec.heartbeatTimeoutSeconds() * 1000 / 5),
        "heartbeat.timeout: " + spec.heartbeatTimeoutSeconds() * 1000,
        "");
  }

  /**
   * What Flink's scripts pass a process: BashJavaUtils prints JVM flags on one result line and
   * dynamic properties on the next. Returned as the two lines, in that order.
   */
  private static List<String> memoryFlags(String which, Path conf, Path logs) throws Exception {
    Path log = logs.resolve(which.toLowerCase() + ".log");
    Process p =
        new ProcessBuilder(
                java(), "-cp", classpath(), MEMORY_FLAGS, which, "--configDir", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    int code = p.waitFor();
    List<String> results =
        Files.readAllLines(log, StandardCharsets.UTF_8).stream()
            .filter(l -> l.startsWith(RESULT_PREFIX))
            .map(l -> l.substring(RESULT_PREFIX.length()).trim())
            .toList();
    if (code != 0 || results.size() < 2) {
      throw new IOException(
          "Flink could not compute the memory settings (" + which + "); see " + log);
    }
    return results.subList(results.size() - 2, results.size());
  }

  private static List<String> jvm(List<String> flags) {
    return Arrays.stream(flags.get(0).split("\\s+")).filter(s -> !s.isEmpty()).toList();
  }

  /** The dynamic properties ("-D key=value" pairs) after any leading program arguments. */
  private static List<String> dynamic(List<String> flags, String... leading) {
    List<String> args = new ArrayList<>(List.of(leading));
    args.addAll(Arrays.stream(flags.get(1).split("\\s+")).filter(s -> !s.isEmpty()).toList());
    return args;
  }

  private static ObjectNode launch(
      String name, List<String> jvm, String main, List<String> programArgs, Path conf, Path logs)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(jvm);
    cmd.add("-Dorcaset.home=" + Main.home());
    cmd.add("-cp");
    cmd.add(classpath());
    cmd.add(main);
    cmd.add("--configDir");
    cmd.add(conf.toString());
    cmd.addAll(programArgs);
    Path log = logs.resolve(name + ".log");
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("name", name);
    node.put("pid", p.pid());
    node.put("log", log.toString());
    p.toHandle().info().startInstant().ifPresent(t -> node.put("started", t.toString()));
    return node;
  }

  /** Null once Flink's REST API lists {@code wanted} TaskManagers; else what went wrong. */
  private static String awaitTaskManagers(int restPort, int wanted, ArrayNode processes)
      throws InterruptedException {
    HttpClient http = FlinkRest.client();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    int seen = 0;
    while (System.nanoTime() < deadline) {
      for (JsonNode p : processes) {
        if (!alive(p.path("pid").asLong())) {
          return p.path("name").asText() + " exited; see " + p.path("log").asText();
        }
      }
      seen = taskManagerCount(http, restPort).orElse(seen);
      if (seen >= wanted) {
        return null;
      }
      Thread.sleep(500);
    }
    return seen
        + " of "
        + wanted
        + " TaskManagers registered within "
        + READY_TIMEOUT.toSeconds()
        + " s";
  }

  /** The TaskManagers the JobManager lists at {@code /taskmanagers}, if it answers. */
  static Optional<Integer> taskManagerCount(HttpClient http, int restPort) {
    try {
      return Optional.of(
          FlinkRest.get(http, "http://localhost:" + restPort, "/taskmanagers")
              .path("taskmanagers")
              .size());
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private int stop(Path dir) throws Exception {
    Optional<JsonNode> state = readState(dir);
    if (state.isEmpty()) {
      err.println("orcaset: no Flink cluster was started from " + dir + " (no " + STATE + ")");
      return 1;
    }
    List<ProcessHandle> stopping = new ArrayList<>();
    for (JsonNode p : state.get().path("processes")) {
      ProcessHandle.of(p.path("pid").asLong())
          .filter(ProcessHandle::isAlive)
          .filter(h -> sameProcess(h, p))
          .ifPresent(
              h -> {
                h.destroy();
                stopping.add(h);
              });
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    for (ProcessHandle h : stopping) {
      while (h.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      if (h.isAlive()) {
        h.destroyForcibly();
        h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    }
    Files.deleteIfExists(dir.resolve(STATE));
    out.println("Flink cluster in " + dir + " stopped (" + stopping.size() + " processes)");
    out.flush();
    return 0;
  }

  /**
   * Whether {@code h} is the process recorded (its PID may have been reused since): the same start
   * time. A command line is no guide, the JDK cuts long ones short.
   */
  private static boolean sameProcess(ProcessHandle h, JsonNode recorded) {
    String started = recorded.path("started").asText("");
    return started.isEmpty()
        || h.info().startInstant().map(t -> t.toString().equals(started)).orElse(true);
  }

  private int address(Path dir) throws IOException {
    Optional<JsonNode> state = readState(dir);
    if (state.isEmpty() || !anyAlive(state.get())) {
      err.println(
          "orcaset: no Flink cluster is running from "
              + dir
              + "; start one: ./orcaset flink-cluster start");
      return 1;
    }
    out.println(state.get().path("address").asText());
    out.flush();
    return 0;
  }

  private int status(Path dir) throws IOException {
    Optional<JsonNode> state = readState(dir);
    if (state.isEmpty()) {
      out.println("no Flink cluster started from " + dir);
      out.flush();
      return 1;
    }
    int restPort = state.get().path("rest_port").asInt();
    for (JsonNode p : state.get().path("processes")) {
      out.printf(
          "%-14s pid %-8d %s%n",
          p.path("name").asText(),
          p.path("pid").asLong(),
          alive(p.path("pid").asLong()) ? "running" : "gone");
    }
    Optional<Integer> tms = taskManagerCount(FlinkRest.client(), restPort);
    out.println(
        tms.map(n -> n + " TaskManagers registered at localhost:" + restPort)
            .orElse("the JobManager at localhost:" + restPort + " does not answer"));
    out.flush();
    return anyAlive(state.get()) ? 0 : 1;
  }

  private static Optional<JsonNode> readState(Path dir) throws IOException {
    Path f = dir.resolve(STATE);
    return Files.exists(f) ? Optional.of(Json.mapper().readTree(f.toFile())) : Optional.empty();
  }

  private static boolean anyAlive(JsonNode state) {
    for (JsonNode p : state.path("processes")) {
      if (alive(p.path("pid").asLong())) {
        return true;
      }
    }
    return false;
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String classpath() {
    return System.getProperty("java.class.path");
  }
}
