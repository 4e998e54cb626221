package dev.orcaset.io;

import dev.orcaset.model.Sample;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.InputFile;

/**
 * The dataset's Parquet schema, defined once beside the one converter that fills it. Column names
 * and types are a contract: readers (DuckDB, pandas, `datasets`) and later runs rely on them.
 */
public final class SampleSchema {
  private SampleSchema() {}

  public static final Schema SCHEMA =
      SchemaBuilder.record("OrcasetSample")
          .namespace("dev.orcaset")
          .doc(
              "One Orca-style sample: a FLAN question, a system prompt, and the teacher's explained"
                  + " answer.")
          .fields()
          .requiredString("id")
          .requiredString("source")
          .optionalString("task_name")
          .optionalString("template_type")
          .requiredString("question_type")
          .requiredInt("system_prompt_id")
          .requiredString("system_prompt")
          .requiredString("training_system_prompt")
          .requiredString("question")
          .requiredString("response")
          .optionalString("reasoning")
          .optionalString("reference_answer")
          .requiredString("target_check")
          .requiredString("target_check_method")
          .optionalInt("judge_score")
          .optionalString("judge_reason")
          .requiredInt("tier")
          .requiredString("teacher_provider")
          .requiredString("teacher_model")
          .optionalString("served_model")
          .optionalString("finish_reason")
          .requiredLong("prompt_tokens")
          .requiredLong("completion_tokens")
          .requiredLong("reasoning_tokens")
          .requiredInt("attempts")
          .requiredString("license_tag")
          .requiredBoolean("commercial_use")
          .name("license_reasons")
          .type()
          .array()
          .items()
          .stringType()
          .noDefault()
          .requiredString("source_dataset")
          .requiredString("source_license")
          .requiredBoolean("source_reviewed")
          .name("generated_at")
          .type(LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)))
          .noDefault()
          .requiredString("run_id")
          .requiredString("request_hash")
          .requiredString("input_file")
          .requiredLong("input_line")
          .endRecord();

  /** The schema of just these columns, for a reader that needs a few of a snapshot's. */
  public static Schema projection(String... columns) {
    List<Schema.Field> fields = new ArrayList<>();
    for (String name : columns) {
      Schema.Field f = SCHEMA.getField(name);
      if (f == null) {
        throw new IllegalArgumentException("no column " + name + " in " + SCHEMA.getFullName());
      }
      fields.add(new Schema.Field(f, f.schema()));
    }
    return Schema.createRecord(SCHEMA.getName(), null, SCHEMA.getNamespace(), false, fields);
  }

  /** Reads {@code columns} (a {@link #projection}) of a dataset file, and nothing else of it. */
  public static ParquetReader<GenericRecord> reader(InputFile file, Schema columns)
      throws IOException {
    Configuration conf = new Configuration(false);
    AvroReadSupport.setRequestedProjection(conf, columns);
    return AvroParquetReader.<GenericRecord>builder(file)
        .withDataModel(GenericData.get())
        .withConf(conf)
        .build();
  }

  /**
   * {@code trainingSystemPrompt}: the run's `prompts.training_system_prompt`, the same on every row
   * (the erased view's system prompt).
   */
  public static GenericRecord toRecord(Sample s, String trainingSystemPrompt) {
    GenericData.Record r = new GenericData.Record(SCHEMA);
    r.put("id", s.id());
    r.put("source", s.source());
    r.put("task_name", s.taskName());
    r.put("template_type", s.templateType());
    r.put("question_type", s.questionType().wireName());
    r.put("system_prompt_id", s.systemPromptId());
    r.put("system_prompt", s.systemPrompt());
    r.put("training_system_prompt", trainingSystemPrompt);
    r.put("question", s.question());
    r.put("response", s.response());
    r.put("reasoning", s.reasoning());
    r.put("reference_answer", s.referenceAnswer());
    r.put("target_check", s.targetCheck().wireName());
    r.put("target_check_method", s.targetCheckMethod().wireName());
    r.put("judge_score", s.judgeScore());
    r.put("judge_reason", s.judgeReason());
    r.put("tier", s.tier());
    r.put("teacher_provider", s.teacherProvider());
    r.put("teacher_model", s.teacherModel());
    r.put("served_model", s.servedModel());
    r.put("finish_reason", s.finishReason());
    r.put("prompt_tokens", s.promptTokens());
    r.put("completion_tokens", s.completionTokens());
    r.put("reasoning_tokens", s.reasoningTokens());
    r.put("attempts", s.attempts());
    r.put("license_tag", s.licenseTag());
    r.put("commercial_use", s.commercialUse());
    r.put("license_reasons", s.licenseReasons());
    r.put("source_dataset", s.sourceDataset());
    r.put("source_license", s.sourceLicense());
    r.put("source_reviewed", s.sourceReviewed());
    r.put("generated_at", s.generatedAtMillis());
    r.put("run_id", s.runId());
    r.put("request_hash", s.requestHash());
    r.put("input_file", s.inputFile());
    r.put("input_line", s.inputLine());
    return r;
  }
}
