package dev.orcaset.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;

/**
 * Input files for pipeline tests, in every accepted format, with deliberately broken rows. The
 * expected counts below follow from what is written and from {@link #CONFIG}'s quotas.
 */
final class FlanFixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String CONFIG =
      """
      input:
        paths: [inputs/*.jsonl, inputs/*.jsonl.gz, inputs/*.parquet]
      output: {dir: out}
      sampling:
        seed: 42
        submixes:
          NIv2:     {max_rows: 20, template_types: [zs_opt]}
          CoT:      {template_types: [zs_noopt]}
          T0:       {max_rows: 100, template_types: [zs_opt, zs_noopt]}
          Flan2021: {max_rows: 4, template_types: [zs_opt]}
          Dialog:   {max_rows: 0}
      prompts: {dir: %s}
      teacher:
        provider: simulated
        model: test-model
        concurrency: 8
        max_attempts: 3
      license: {policy: %s}
      pricing: %s
      """;

  // What the files below must produce.
  static final int INPUT_RECORDS = 72;
  static final int REJECTED = 4;
  static final int DUPLICATES = 2;
  static final int FILTERED =
      25; // 6 few-shot T0 + 3 Dialog + 10 NIv2 over quota + 6 Flan2021 over quota
  static final int FAILED = 1; // the context_length_exceeded marker
  static final int SAMPLES = 40; // NIv2 20 + CoT 11 + T0 5 + Flan2021 4
  static final int NOT_JSON_LINE =
      55; // 1-based line of "{not json" in a.jsonl (after a blank line)
  static final String TOO_LONG_MARKER = "[[sim:status=400:context_length_exceeded]]";

  private FlanFixtures() {}

  static Path write(Path dir, Path home) throws IOException {
    Path inputs = Files.createDirectories(dir.resolve("inputs"));
    List<String> a = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      a.add(
          row(
              "Definition: label the sentiment.\nInput: item " + i + " was fine.\nOutput:",
              "positive",
              "task_source",
              "NIv2",
              "task_name",
              "task" + (i % 3) + "_sentiment",
              "template_type",
              "zs_opt"));
    }
    for (int i = 0; i < 12; i++) {
      String q =
          "Tom has " + i + " apples and buys 3 more. How many now? Let's think step by step.";
      if (i == 4) {
        q += " " + TOO_LONG_MARKER;
      }
      if (i == 5) {
        q += " [[sim:fail-once=503]]";
      }
      a.add(
          row(
              q,
              String.valueOf(i + 3),
              "task_source",
              "CoT",
              "task_name",
              "cot_gsm8k",
              "template_type",
              "zs_noopt"));
    }
    for (int i = 0; i < 6; i++) {
      a.add(
          row(
              "Q: few-shot " + i + "\nA:",
              "x",
              "task_source",
              "T0",
              "task_name",
              "t0_fs",
              "template_type",
              "fs_opt"));
    }
    for (int i = 0; i < 3; i++) {
      a.add(
          row(
              "User: hello " + i + "\nAssistant:",
              "hi",
              "task_source",
              "Dialog",
              "task_name",
              "wiki_dialog",
              "template_type",
              "zs_noopt"));
    }
    a.add(a.get(0)); // exact duplicate line
    a.add(
        row(
            "Tom has 1 apples and buys 3 more. How many now? Let's think step by step.",
            "4",
            "task_source",
            "flan",
            "task_name",
            "other",
            "template_type",
            "zs_opt")); // same inputs, other submix
    a.add("");
    a.add("{not json");
    a.add("{\"targets\": \"no inputs here\", \"task_source\": \"NIv2\"}");
    a.add("{\"inputs\": \"   \", \"task_source\": \"NIv2\"}");
    Files.write(inputs.resolve("a.jsonl"), a, StandardCharsets.UTF_8);

    try (OutputStream gz =
            new GZIPOutputStream(Files.newOutputStream(inputs.resolve("b.jsonl.gz")));
        Writer w = new OutputStreamWriter(gz, StandardCharsets.UTF_8)) {
      for (int i = 0; i < 10; i++) {
        w.write(
            row(
                    "Premise: case " + i + ". Does it follow?\nOPTIONS:\n- yes\n- no",
                    "yes",
                    "_task_source",
                    "Flan2021",
                    "_task_name",
                    "snli",
                    "_template_type",
                    "zs_opt")
                + "\n");
      }
    }

    Schema schema =
        SchemaBuilder.record("flan")
            .fields()
            .requiredString("inputs")
            .requiredString("targets")
            .requiredString("_task_source")
            .requiredString("_task_name")
            .requiredString("_template_type")
            .endRecord();
    try (ParquetWriter<GenericRecord> w =
        AvroParquetWriter.<GenericRecord>builder(
                HadoopOutputFile.fromPath(
                    new org.apache.hadoop.fs.Path(inputs.resolve("c.parquet").toString()),
                    new Configuration()))
            .withSchema(schema)
            .build()) {
      for (int i = 0; i < 6; i++) {
        GenericData.Record r = new GenericData.Record(schema);
        r.put(
            "inputs", i == 5 ? "" : "Passage: fact " + i + ".\nQuestion: what is fact " + i + "?");
        r.put("targets", "fact " + i);
        r.put("_task_source", "T0");
        r.put("_task_name", "adversarial_qa");
        r.put("_template_type", "zs_noopt");
        w.write(r);
      }
    }
    Path config = dir.resolve("config.yaml");
    Files.writeString(
        config,
        CONFIG.formatted(
            home.resolve("system-prompts"),
            home.resolve("config/licenses.yaml"),
            home.resolve("config/pricing.yaml")));
    return config;
  }

  private static String row(String inputs, String targets, String... kv) {
    ObjectNode n = JSON.createObjectNode();
    n.put("inputs", inputs);
    n.put("targets", targets);
    for (int i = 0; i < kv.length; i += 2) {
      n.put(kv[i], kv[i + 1]);
    }
    return n.toString();
  }
}
