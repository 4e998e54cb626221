package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orcaset.TestRuns;
import dev.orcaset.cli.Main;
import dev.orcaset.io.SampleSchema;
import dev.orcaset.teacher.sim.SimulatedAnswers;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole product path through the CLI, against the simulated teacher over real HTTP: read all
 * three input formats, sample, pair, call, tag, write; then read the dataset back and check it. The
 * same inputs run on the DirectRunner and on Flink in-process must give the same dataset.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndTest {

  private Path dir;

  private SimulatedTeacher teacher;
  private Path config;

  @BeforeAll
  void writeInputs(@TempDir Path tmp) throws Exception {
    dir = tmp;
    config = FlanFixtures.write(dir, TestRuns.HOME);
  }

  /** A fresh teacher per test: its request counts and "fail once" memory are per test. */
  @BeforeEach
  void startTeacher() throws Exception {
    teacher = SimulatedTeacher.start(0, 5, 3);
  }

  @AfterEach
  void stopTeacher() {
    teacher.close();
  }

  private CliRun run(String name, String... extra) {
    return CliRun.run(config, teacher.baseUrl(), dir.resolve(name), extra);
  }

  @Test
  void directRunner_writesACompleteCorrectDatasetAndAccountsForEveryInput() throws Exception {
    CliRun r =
        run(
            "direct",
            "--runner=DirectRunner",
            "--enforceImmutability=true"); // Beam's check that no stage mutates its input
    assertEquals(0, r.exit(), r.out() + r.err());

    List<GenericRecord> rows = DatasetReader.rows(r.output().resolve("data"));
    assertEquals(FlanFixtures.SAMPLES, rows.size());
    assertEquals(
        SampleSchema.SCHEMA.getFields().stream().map(Schema.Field::name).toList(),
        rows.get(0).getSchema().getFields().stream().map(Schema.Field::name).toList());

    Set<String> ids = new HashSet<>();
    for (GenericRecord row : rows) {
      String question = row.get("question").toString();
      String system = row.get("system_prompt").toString();
      assertEquals(
          SimulatedAnswers.answer(system, question),
          row.get("response").toString(),
          "response must belong to its own question and prompt");
      assertTrue(ids.add(row.get("id").toString()), "duplicate id " + row.get("id"));
      assertTrue(
          row.get("id").toString().startsWith(row.get("source").toString().toLowerCase() + "."));
      assertEquals("openai-compatible", row.get("teacher_provider").toString());
      assertEquals("test-model", row.get("teacher_model").toString());
      assertEquals(
          "unknown", row.get("license_tag").toString(), "an unlisted teacher is not cleared");
      assertEquals(false, row.get("commercial_use"));
      assertEquals(2, ((List<?>) row.get("license_reasons")).size());
      assertEquals("stop", row.get("finish_reason").toString());
      assertTrue((Long) row.get("completion_tokens") > 0);
      assertEquals(64, row.get("request_hash").toString().length());
      assertFalse(question.contains("[[sim:status"), "the rejected request must not be a sample");
    }
    Map<String, Long> bySource =
        rows.stream()
            .collect(
                Collectors.groupingBy(
                    g -> g.get("source").toString(), TreeMap::new, Collectors.counting()));
    assertEquals(Map.of("CoT", 11L, "Flan2021", 4L, "NIv2", 20L, "T0", 5L), bySource);
    assertTrue(
        rows.stream()
            .anyMatch(
                g ->
                    g.get("question").toString().contains("[[sim:fail-once=503]]")
                        && (Integer) g.get("attempts") == 2),
        "the 503 was retried once and then answered");
    List<Path> parquet = DatasetReader.files(r.output().resolve("data"), ".parquet");
    assertTrue(
        parquet.stream()
            .allMatch(
                p ->
                    p.getParent()
                        .toString()
                        .endsWith(
                            "/commercial_use=false/license_tag=" + rows.get(0).get("license_tag"))),
        "partitioned by verdict and tag: " + parquet);

    JsonNode m = DatasetReader.manifest(r.output());
    JsonNode c = m.get("counts");
    assertEquals(FlanFixtures.INPUT_RECORDS, c.get("input_records").asInt());
    assertEquals(FlanFixtures.SAMPLES, c.get("samples").asInt());
    assertEquals(FlanFixtures.REJECTED, c.get("rejected").asInt());
    assertEquals(FlanFixtures.FAILED, c.get("failed").asInt());
    assertEquals(FlanFixtures.DUPLICATES, c.get("duplicates").asInt());
    assertEquals(FlanFixtures.FILTERED, c.get("filtered").asInt());
    assertTrue(m.at("/accounting/balanced").asBoolean());
    assertEquals(
        10, m.at("/dropped_by_reason/over_quota").asInt() - 6, "NIv2 10 + Flan2021 6 over quota");
    assertEquals(
        FlanFixtures.SAMPLES + FlanFixtures.FAILED, m.at("/teacher_usage/requests").asInt());

    // T0's quota of 100 has 5 zero-shot rows to take from (6 few-shot ones are left out by its
    // template_types): said in the manifest, the summary and the card.
    JsonNode t0 = m.at("/quotas/T0");
    assertEquals(100, t0.get("wanted").asLong(), m.get("quotas").toString());
    assertEquals(5, t0.get("available").asLong());
    assertEquals(95, t0.get("short_by").asLong());
    assertEquals(6, t0.at("/left_out_before/template_type_not_kept").asLong());
    assertEquals(0, m.at("/quotas/NIv2/short_by").asLong());
    assertEquals(30, m.at("/quotas/NIv2/available").asLong());
    assertEquals(20, m.at("/quotas/NIv2/taken").asLong());
    assertEquals(4, m.at("/quotas/Flan2021/taken").asLong());
    assertTrue(m.at("/quotas/CoT").isMissingNode(), "no quota, no shortfall");
    String shortfall =
        "T0: wanted 100, only 5 eligible (short by 95; left out before the quota:"
            + " template_type_not_kept 6)";
    assertTrue(r.out().contains("  shortfall      " + shortfall), r.out());
    assertTrue(
        Files.readString(r.output().resolve("README.md")).contains(shortfall), "and the card");
    assertEquals(
        rows.stream().mapToLong(g -> (Long) g.get("prompt_tokens")).sum(),
        m.at("/teacher_usage/prompt_tokens").asLong());
    assertFalse(m.at("/config/teacher/api_key_env").isMissingNode(), "the config used is recorded");
    assertEquals(
        0.0,
        m.at("/cost/estimated_usd").asDouble(-1),
        "test-* models are priced at 0 in pricing.yaml");
    assertEquals("simulated teacher", m.at("/cost/price_source").asText());
    assertEquals(
        DatasetReader.files(r.output().resolve("data"), ".parquet").size(),
        m.at("/files/data").size());

    List<JsonNode> rejected = DatasetReader.jsonLines(r.output().resolve("rejected"));
    assertEquals(FlanFixtures.REJECTED, rejected.size());
    JsonNode notJson =
        rejected.stream()
            .filter(j -> j.get("reason").asText().equals("not_json"))
            .findFirst()
            .orElseThrow();
    assertTrue(notJson.get("file").asText().endsWith("a.jsonl"));
    assertEquals(FlanFixtures.NOT_JSON_LINE, notJson.get("line").asInt());
    assertEquals("{not json", notJson.get("raw").asText());
    JsonNode blankInParquet =
        rejected.stream()
            .filter(j -> j.get("file").asText().endsWith("c.parquet"))
            .findFirst()
            .orElseThrow();
    assertEquals("blank_inputs", blankInParquet.get("reason").asText());
    assertEquals(6, blankInParquet.get("line").asInt(), "Parquet rejections name the row");

    List<JsonNode> failed = DatasetReader.jsonLines(r.output().resolve("failed"));
    assertEquals(1, failed.size());
    assertEquals("permanent_error", failed.get(0).get("reason").asText());
    assertEquals(400, failed.get(0).get("http_status").asInt());
    assertEquals("context_length_exceeded", failed.get(0).get("provider_code").asText());
    assertTrue(failed.get(0).get("question").asText().contains(FlanFixtures.TOO_LONG_MARKER));

    List<JsonNode> filtered = DatasetReader.jsonLines(r.output().resolve("filtered"));
    assertEquals(FlanFixtures.DUPLICATES + FlanFixtures.FILTERED, filtered.size());
    Map<String, Integer> reasons = new HashMap<>();
    filtered.forEach(j -> reasons.merge(j.get("reason").asText(), 1, Integer::sum));
    assertEquals(
        Map.of(
            "duplicate_input",
            2,
            "template_type_not_kept",
            6,
            "submix_not_sampled",
            3,
            "over_quota",
            16),
        reasons);

    // 41 questions, 1 retried once: no request was answered twice.
    assertEquals(FlanFixtures.SAMPLES + FlanFixtures.FAILED + 1, teacher.requestCount());
    assertTrue(
        teacher.answeredByHash().values().stream().allMatch(n -> n.get() == 1),
        "no request answered twice");
    assertTrue(r.out().contains("wrote 40 samples"), r.out());
  }

  @Test
  void flinkRunner_producesTheSameDatasetAsTheDirectRunner() throws Exception {
    CliRun direct = run("direct-for-flink", "--runner=DirectRunner");
    CliRun flink = run("flink", "--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2");
    assertEquals(0, direct.exit(), direct.err());
    assertEquals(0, flink.exit(), flink.out() + flink.err());
    assertEquals(DatasetReader.content(direct.output()), DatasetReader.content(flink.output()));
    assertEquals(
        DatasetReader.manifest(direct.output()).get("counts"),
        DatasetReader.manifest(flink.output()).get("counts"));
  }

  @Test
  void estimate_countsTheQuestionsARunWouldSend_withoutCallingTheTeacher() throws Exception {
    StringWriter out = new StringWriter();
    Path output = dir.resolve("estimate");
    int exit =
        new Main(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true))
            .run(
                "estimate",
                "--config",
                config.toString(),
                "--teacher-url",
                teacher.baseUrl(),
                "--output",
                output.toString(),
                "--runner=DirectRunner");
    assertEquals(0, exit, out.toString());
    assertEquals(0, teacher.requestCount(), "an estimate sends nothing");
    JsonNode e =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(output.resolve("estimate.json").toFile());
    assertEquals(FlanFixtures.SAMPLES + FlanFixtures.FAILED, e.get("questions").asInt());
    assertEquals(20, e.at("/questions_by_source/NIv2").asInt());
    assertEquals(FlanFixtures.REJECTED, e.get("rejected").asInt());
    assertEquals(FlanFixtures.DUPLICATES, e.get("duplicates").asInt());
    assertEquals(FlanFixtures.FILTERED, e.get("filtered").asInt());
    assertTrue(e.get("prompt_tokens_estimate").asLong() > 41 * 10, e.toString());
    assertEquals(
        41L * 1024, e.get("completion_tokens_max").asLong(), "max_tokens defaults to 1024");
    assertTrue(out.toString().contains("41 questions would be sent"), out.toString());
    // The quotas, and what each falls short by, are known before the teacher: the run agrees.
    CliRun run = run("quotas-as-estimated", "--runner=DirectRunner");
    assertEquals(0, run.exit(), run.err());
    JsonNode quotas = DatasetReader.manifest(run.output()).get("quotas");
    assertEquals(quotas, e.get("quotas"));
    assertTrue(quotas.at("/T0/short_by").asLong() > 0, quotas.toString());
    assertTrue(out.toString().contains("  shortfall      T0: wanted 100, only "), out.toString());
  }

  @Test
  void reRunningWithTheSameSeed_pairsAndSamplesIdentically() throws Exception {
    CliRun first = run("again-1", "--runner=DirectRunner");
    CliRun second = run("again-2", "--runner=DirectRunner");
    assertEquals(0, first.exit() + second.exit());
    assertEquals(DatasetReader.content(first.output()), DatasetReader.content(second.output()));
  }

  @Test
  void aDifferentSeed_samplesOtherRowsWithinTheSameQuotas() throws Exception {
    CliRun seed42 = run("seed-42", "--runner=DirectRunner");
    Files.writeString(config, Files.readString(config).replace("seed: 42", "seed: 7"));
    try {
      CliRun seed7 = run("seed-7", "--runner=DirectRunner");
      assertEquals(0, seed42.exit() + seed7.exit());
      Map<String, String> a = DatasetReader.content(seed42.output());
      Map<String, String> b = DatasetReader.content(seed7.output());
      assertEquals(a.size(), b.size(), "quotas do not depend on the seed");
      assertEquals(
          DatasetReader.manifest(seed42.output()).get("samples_by_source"),
          DatasetReader.manifest(seed7.output()).get("samples_by_source"));
      assertFalse(
          a.keySet().equals(b.keySet()),
          "NIv2 and Flan2021 are over quota: another seed keeps other rows");
    } finally {
      Files.writeString(config, Files.readString(config).replace("seed: 7", "seed: 42"));
    }
  }
}
