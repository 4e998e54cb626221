package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orcaset.TestRuns;
import dev.orcaset.journal.JournalStats;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product on a real Flink session cluster: a JobManager and two TaskManagers as separate JVMs,
 * started by `orcaset flink-cluster start` as a user would, the job submitted with
 * `--flinkMaster=localhost:PORT --parallelism=2` and the shaded jar staged. Runs after `package`
 * (Failsafe), which builds that jar.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlinkClusterIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path JAR = CliRun.JAR;

  private Path dir;
  private Path clusterDir;
  private String master;
  private final List<Long> pids = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void startCluster(@TempDir Path tmp) throws Exception {
    assertTrue(Files.exists(JAR), "the shaded jar is built before integration tests: " + JAR);
    dir = tmp;
    clusterDir = tmp.resolve("cluster");
    // From the jar, as a user starts it: the cluster's JVMs get the jar's classpath, not this
    // test's (which holds Spark's Jackson modules and would mix with the staged jar's).
    Jar started =
        jar(
            "flink-cluster",
            "start",
            "--dir",
            clusterDir.toString(),
            "--task-managers",
            "2",
            "--heartbeat-timeout-s",
            "6");
    assertEquals(0, started.exit(), started.out());
    master = state().path("address").asText();
    state().path("processes").forEach(p -> pids.add(p.path("pid").asLong()));
    assertTrue(started.out().contains("--flinkMaster=" + master), started.out());
    assertEquals(2, taskManagers().size(), "the REST API lists both TaskManagers");
  }

  @AfterAll
  void stopCluster() throws Exception {
    jar("flink-cluster", "stop", "--dir", clusterDir.toString());
    for (long pid : pids) {
      assertTrue(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), "stop ended " + pid);
    }
  }

  @Test
  @Order(1)
  void theEndToEndInputs_giveTheDirectRunnersDataset_withWorkOnBothTaskManagers() throws Exception {
    Path config = FlanFixtures.write(dir.resolve("e2e"), TestRuns.HOME);
    try (SimulatedTeacher teacher = SimulatedTeacher.start(0, 5, 3)) {
      CliRun direct = run(config, teacher, "direct", "--runner=DirectRunner");
      assertEquals(0, direct.exit(), direct.err());
      CliRun cluster = onCluster(config, teacher, "cluster");
      assertEquals(0, cluster.exit(), cluster.out() + cluster.err());
      assertEquals(DatasetReader.content(direct.output()), DatasetReader.content(cluster.output()));
      assertEquals(
          DatasetReader.manifest(direct.output()).get("counts"),
          DatasetReader.manifest(cluster.output()).get("counts"));
    }
    Map<String, Long> perTaskManager = teacherRecordsPerTaskManager(latestJob());
    assertEquals(2, perTaskManager.size(), "teacher stage on both TaskManagers: " + perTaskManager);
    assertTrue(
        perTaskManager.values().stream().allMatch(n -> n > 0),
        "each TaskManager asked questions: " + perTaskManager);
  }

  /**
   * One account shared by the job's two workers, each in its own TaskManager JVM and neither told
   * of the other (no `teacher.workers`): together they run at the account's limit with few 429s,
   * learning their shares from what the account answers, as on a real cluster.
   */
  @Test
  @Order(2)
  void twoTaskManagersShareOneRateLimit_atTheLimitWithFew429s() throws Exception {
    int questions = 2_400;
    long rpm = 6_000;
    Path runDir = Files.createDirectories(dir.resolve("shared-limit"));
    Files.write(runDir.resolve("in.jsonl"), numberQuestions(questions));
    Path config = TestRuns.config(runDir, "concurrency: 32, rpm: " + rpm);
    try (SimulatedTeacher teacher =
        SimulatedTeacher.start(new SimulatedTeacher.Options(0, 150, 50, rpm, 0, 0, 0, 1))) {
      CliRun r = onCluster(config, teacher, "out");
      assertEquals(0, r.exit(), r.out() + r.err());
      assertEquals(questions, DatasetReader.rows(r.output().resolve("data")).size());
      double share429 = teacher.rateLimitedCount() / (double) teacher.requestCount();
      double reached = teacher.admittedPerSecond() / (rpm / 60.0);
      System.out.printf(
          "flink cluster, one %d RPM account, 2 TaskManagers: %d requests, %d refused (%.2f%%),"
              + " %.1f admitted/s = %.3f of the limit%n",
          rpm,
          teacher.requestCount(),
          teacher.rateLimitedCount(),
          100 * share429,
          teacher.admittedPerSecond(),
          reached);
      assertTrue(share429 <= 0.05, "429 share " + share429);
      // No upper bound: the account's bucket starts full and admits a second's burst, so over a
      // 25 s run the admitted rate can be 1.04 of the limit; what overshoots is refused and
      // counted in the 429 share above.
      assertTrue(reached >= 0.75, "reached " + reached + " of the limit");
      assertEquals(questions, teacher.answeredByHash().size(), "every question paid once");
      assertTrue(
          teacher.answeredByHash().values().stream().allMatch(n -> n.get() == 1),
          "none paid twice");
    }
    Map<String, Long> perTaskManager = teacherRecordsPerTaskManager(latestJob());
    assertEquals(2, perTaskManager.size(), "both TaskManagers sent: " + perTaskManager);
  }

  /**
   * kill -9 of a TaskManager while the teacher is answering: the cluster's restart strategy runs
   * the job again on the slots left, it finishes with every question answered once in the dataset,
   * and what is paid twice is at most what the killed worker had not yet committed to the journal
   * (a slice) plus its requests in flight, per worker.
   */
  @Test
  @Order(3)
  void killingATaskManagerMidRun_theJobRestartsAndFinishes() throws Exception {
    int questions = 1_200;
    int concurrency = 8;
    Path runDir = Files.createDirectories(dir.resolve("kill"));
    Files.write(runDir.resolve("in.jsonl"), numberQuestions(questions));
    Path config = TestRuns.config(runDir, "concurrency: " + concurrency);
    try (SimulatedTeacher teacher = SimulatedTeacher.start(0, 150, 50)) {
      CompletableFuture<CliRun> running =
          CompletableFuture.supplyAsync(() -> onCluster(config, teacher, "out"));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (teacher.answeredByHash().size() < questions / 3 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      int answeredAtKill = teacher.answeredByHash().size();
      assertTrue(answeredAtKill >= questions / 3, "the teacher was being asked");
      long victim = state().path("processes").get(1).path("pid").asLong();
      ProcessHandle.of(victim).orElseThrow().destroyForcibly();

      CliRun r = running.get(6, TimeUnit.MINUTES);
      assertEquals(0, r.exit(), r.out() + r.err());
      List<GenericRecord> rows = DatasetReader.rows(r.output().resolve("data"));
      Set<String> ids = new HashSet<>();
      rows.forEach(g -> ids.add(g.get("id").toString()));
      assertEquals(questions, rows.size(), "every question answered in the dataset");
      assertEquals(questions, ids.size(), "and each once");

      int paidTwice = teacher.answeredByHash().values().stream().mapToInt(n -> n.get() - 1).sum();
      int bound = 2 * (100 + concurrency); // journal.commit_every + in flight, per worker
      System.out.printf(
          "flink cluster kill -9: %d answered at the kill, %d requests answered, %d paid twice"
              + " (bound %d); manifest: %s%n",
          answeredAtKill,
          teacher.answeredByHash().values().stream().mapToInt(AtomicInteger::get).sum(),
          paidTwice,
          bound,
          DatasetReader.manifest(r.output()).path("teacher_usage"));
      assertTrue(paidTwice <= bound, paidTwice + " paid twice, more than " + bound);

      // The manifest counts what the journal saw, the first attempt's committed answers too: at
      // least every question, at most what the teacher answered (uncommitted ones are lost).
      JsonNode usage = DatasetReader.manifest(r.output()).path("teacher_usage");
      long answeredInTotal =
          teacher.answeredByHash().values().stream().mapToInt(AtomicInteger::get).sum();
      long paid = usage.path("requests").asLong();
      assertTrue(paid >= questions && paid <= answeredInTotal, usage.toString());
      JsonNode m = DatasetReader.manifest(r.output());
      assertEquals(
          JournalStats.entriesOfRun(
              r.output().resolve(".journal").toString(), m.at("/run/id").asText()),
          paid,
          usage.toString());
    }
  }

  /**
   * SIGTERM to the launcher (as Ctrl-C or a scheduler sends it) while its job runs on the cluster:
   * the job is cancelled there, no request reaches the teacher once the launcher has exited, and
   * the count of saved answers it prints is the journal's.
   */
  @Test
  @Order(4)
  void stoppingTheLauncher_cancelsTheJobOnTheCluster() throws Exception {
    int questions = 3_000;
    Path runDir = Files.createDirectories(dir.resolve("sigterm"));
    Files.write(runDir.resolve("in.jsonl"), numberQuestions(questions));
    Path config = TestRuns.config(runDir, "concurrency: 8");
    Path log = runDir.resolve("launcher.log");
    try (SimulatedTeacher teacher = SimulatedTeacher.start(0, 150, 50)) {
      List<String> cmd =
          CliRun.jarCommand(
              CliRun.args(
                  config,
                  teacher.baseUrl(),
                  runDir.resolve("out"),
                  "--flinkMaster=" + master,
                  "--parallelism=2"));
      Process launcher =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (teacher.answeredByHash().size() < 300 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(teacher.answeredByHash().size() >= 300, Files.readString(log));
      launcher.destroy(); // SIGTERM
      assertTrue(launcher.waitFor(90, TimeUnit.SECONDS), "the launcher exits");
      long atExit = teacher.requestCount();
      Thread.sleep(5_000);
      String printed = Files.readString(log);
      assertEquals(atExit, teacher.requestCount(), "no request after the launcher exited");
      assertTrue(atExit < questions, "stopped before the end: " + atExit);
      assertTrue(printed.contains("orcaset: cancelled job"), printed);
      Matcher saved =
          Pattern.compile("(\\d+) answers this run paid for are saved").matcher(printed);
      assertTrue(saved.find(), printed);
      long journal = JournalStats.of(runDir.resolve("out/.journal").toString()).entries();
      assertEquals(journal, Long.parseLong(saved.group(1)), printed);
      assertTrue(
          rest("/jobs/overview").findValuesAsText("state").stream()
              .noneMatch(st -> st.equals("RUNNING")),
          "no job left running");
    }
  }

  /**
   * The cluster loses its last TaskManager mid-run (here kill -9; at scale an OutOfMemoryError
   * after a restart put every subtask on it): Flink keeps the job waiting for slots no one offers.
   * The launcher gives up once the cluster has had no TaskManager for `--no-worker-timeout-s`,
   * cancels the job, and says what is saved; nothing is left running.
   */
  @Test
  @Order(5)
  void losingEveryTaskManager_theLauncherCancelsTheJobInsteadOfWaiting() throws Exception {
    int questions = 3_000;
    Path runDir = Files.createDirectories(dir.resolve("no-workers"));
    Files.write(runDir.resolve("in.jsonl"), numberQuestions(questions));
    Path config = TestRuns.config(runDir, "concurrency: 8");
    List<Long> taskManagers = new ArrayList<>();
    for (JsonNode p : state().path("processes")) {
      long pid = p.path("pid").asLong();
      if (p.path("name").asText().startsWith("taskmanager")
          && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        taskManagers.add(pid);
      }
    }
    assertEquals(1, taskManagers.size(), "one TaskManager left by the kill test: " + state());
    try (SimulatedTeacher teacher = SimulatedTeacher.start(0, 150, 50)) {
      CompletableFuture<CliRun> running =
          CompletableFuture.supplyAsync(
              () ->
                  run(
                      config,
                      teacher,
                      "out",
                      "--runner=FlinkRunner",
                      "--flinkMaster=" + master,
                      "--parallelism=2",
                      "--filesToStage=" + JAR,
                      "--no-worker-timeout-s=5"));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (teacher.answeredByHash().size() < 300 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(teacher.answeredByHash().size() >= 300, "the teacher was being asked");
      ProcessHandle.of(taskManagers.get(0)).orElseThrow().destroyForcibly();
      long killedAt = System.nanoTime();

      CliRun r = running.get(3, TimeUnit.MINUTES);
      long waited = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killedAt);
      System.out.printf(
          "flink cluster without TaskManagers: the launcher gave up %d s after the kill%n", waited);
      assertEquals(1, r.exit(), r.out() + r.err());
      assertTrue(r.err().contains("no TaskManager has been registered with"), r.err());
      assertTrue(r.err().contains("cancelled it"), r.err());
      Matcher saved =
          Pattern.compile("(\\d+) answers this run paid for are saved").matcher(r.err());
      assertTrue(saved.find(), r.err());
      assertEquals(
          JournalStats.of(r.output().resolve(".journal").toString()).entries(),
          Long.parseLong(saved.group(1)),
          r.err());
      assertTrue(
          rest("/jobs/overview").findValuesAsText("state").stream()
              .noneMatch(st -> st.equals("RUNNING") || st.equals("RESTARTING")),
          "no job left waiting");
    }
  }

  private record Jar(int exit, String out) {}

  /** {@code java -jar orcaset.jar ARGS}: its exit code and what it printed. */
  private static Jar jar(String... args) throws Exception {
    List<String> cmd = CliRun.jarCommand(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), String.join(" ", cmd));
    return new Jar(p.exitValue(), out);
  }

  private static List<String> numberQuestions(int n) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(
          JSON.createObjectNode()
              .put("inputs", "Definition: say the number.\nInput: " + i + "\nOutput:")
              .put("targets", String.valueOf(i))
              .put("task_source", "NIv2")
              .put("task_name", "task" + (i % 7) + "_number")
              .put("template_type", "zs_opt")
              .toString());
    }
    return lines;
  }

  /** A run on this cluster, with the job spread over both TaskManagers and the jar staged. */
  private CliRun onCluster(Path config, SimulatedTeacher teacher, String name) {
    return run(
        config,
        teacher,
        name,
        "--runner=FlinkRunner",
        "--flinkMaster=" + master,
        "--parallelism=2",
        "--filesToStage=" + JAR);
  }

  private static CliRun run(Path config, SimulatedTeacher teacher, String name, String... extra) {
    return CliRun.run(config, teacher.baseUrl(), config.getParent().resolve(name), extra);
  }

  private JsonNode state() throws Exception {
    return JSON.readTree(Files.readString(clusterDir.resolve("cluster.json")));
  }

  private JsonNode rest(String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + master + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return JSON.readTree(r.body());
  }

  private JsonNode taskManagers() throws Exception {
    return rest("/taskmanagers").path("taskmanagers");
  }

  private String latestJob() throws Exception {
    String id = null;
    long latest = -1;
    for (JsonNode j : rest("/jobs/overview").path("jobs")) {
      if (j.path("start-time").asLong() > latest) {
        latest = j.path("start-time").asLong();
        id = j.path("jid").asText();
      }
    }
    return id;
  }

  /** Records the teacher stage read on each TaskManager, from Flink's REST API. */
  private Map<String, Long> teacherRecordsPerTaskManager(String job) throws Exception {
    Map<String, Long> per = new TreeMap<>();
    for (JsonNode v : rest("/jobs/" + job).path("vertices")) {
      if (!v.path("name").asText().contains("AnswerQuestions")) {
        continue;
      }
      for (JsonNode tm :
          rest("/jobs/" + job + "/vertices/" + v.path("id").asText() + "/taskmanagers")
              .path("taskmanagers")) {
        per.merge(
            tm.path("taskmanager-id").asText(),
            tm.path("metrics").path("read-records").asLong(),
            Long::sum);
      }
    }
    return per;
  }
}
