package dev.orcaset.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/** Reads a finished dataset back the way a user would: every Parquet file, every JSONL line. */
final class DatasetReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DatasetReader() {}

  static List<GenericRecord> rows(Path dataDir) throws IOException {
    List<GenericRecord> rows = new ArrayList<>();
    for (Path f : files(dataDir, ".parquet")) {
      rows.addAll(rowsOf(f));
    }
    return rows;
  }

  static List<GenericRecord> rowsOf(Path f) throws IOException {
    List<GenericRecord> rows = new ArrayList<>();
    try (ParquetReader<GenericRecord> r =
        AvroParquetReader.<GenericRecord>builder(
                HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(f.toString()), new Configuration()))
            .build()) {
      for (GenericRecord g = r.read(); g != null; g = r.read()) {
        rows.add(g);
      }
    }
    return rows;
  }

  static List<JsonNode> jsonLines(Path dir) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (Path f : files(dir, ".jsonl")) {
      for (String line : Files.readAllLines(f)) {
        if (!line.isBlank()) {
          out.add(JSON.readTree(line));
        }
      }
    }
    return out;
  }

  static JsonNode manifest(Path out) throws IOException {
    return JSON.readTree(out.resolve("manifest.json").toFile());
  }

  static List<Path> files(Path dir, String suffix) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix))
          .filter(p -> !p.toString().contains("/."))
          .sorted()
          .toList();
    }
  }

  /** id → (system prompt id, request hash, response): what must not depend on runner or run. */
  static Map<String, String> content(Path output) throws IOException {
    Map<String, String> m = new TreeMap<>();
    for (GenericRecord g : rows(output.resolve("data"))) {
      m.put(
          g.get("id").toString(),
          g.get("system_prompt_id") + "|" + g.get("request_hash") + "|" + g.get("response"));
    }
    return m;
  }
}
