package dev.orcaset.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orcaset.io.ChannelOutputFile;
import dev.orcaset.io.Json;
import dev.orcaset.io.JsonFiles;
import dev.orcaset.io.ReadableFileInput;
import dev.orcaset.report.DatasetCard;
import dev.orcaset.report.Manifest;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * `orcaset export --commercial-only OUTPUT DEST`: copies the current snapshot's rows cleared for
 * commercial training (the `commercial_use=true` partitions) to DEST, keeping the folder layout,
 * with an `export.json` saying what was copied from where and a `PROVENANCE.md` listing the source
 * datasets of the copied rows with their licenses and attribution. DEST must be new or empty, so an
 * export never mixes with older files.
 */
final class ExportCommand {
  private final PrintWriter out;

  ExportCommand(PrintWriter out) {
    this.out = out;
  }

  int run(List<String> args) throws IOException {
    boolean commercialOnly = false;
    boolean erase = false;
    List<String> paths = new ArrayList<>();
    for (String a : args) {
      if (a.equals("--commercial-only")) {
        commercialOnly = true;
      } else if (a.equals("--erase-prompts")) {
        erase = true;
      } else if (a.startsWith("--")) {
        throw new UsageException("unknown argument '" + a + "' for export");
      } else {
        paths.add(a);
      }
    }
    if (!commercialOnly) {
      throw new UsageException(
          "export needs --commercial-only (the rows cleared for training commercial models)");
    }
    if (paths.size() != 2) {
      throw new UsageException(
          "export needs OUTPUT and DEST: orcaset export --commercial-only [--erase-prompts]"
              + " OUTPUT DEST");
    }
    String source = strip(paths.get(0));
    String dest = strip(paths.get(1));
    Manifest manifest;
    try {
      manifest = Manifest.read(source);
    } catch (FileNotFoundException | NoSuchFileException e) {
      throw new UsageException(
          source + " has no manifest.json: not the output folder of a finished run");
    }
    if (!FileSystems.match(dest + "/**", EmptyMatchTreatment.ALLOW).metadata().isEmpty()) {
      throw new UsageException(dest + " is not empty; export into a new folder");
    }
    String partition = manifest.snapshotData() + "commercial_use=true/";
    List<MatchResult.Metadata> files =
        FileSystems.match(source + "/" + partition + "**", EmptyMatchTreatment.ALLOW).metadata();
    List<ResourceId> from = new ArrayList<>();
    List<ResourceId> to = new ArrayList<>();
    ObjectNode record = Json.mapper().createObjectNode();
    var listed = record.putArray("files");
    long bytes = 0;
    for (MatchResult.Metadata f : files) {
      String relative =
          f.resourceId().toString().substring(f.resourceId().toString().indexOf(partition));
      from.add(f.resourceId());
      to.add(FileSystems.matchNewResource(dest + "/" + relative, false));
      listed.add(relative);
      bytes += f.sizeBytes();
    }
    String training = manifest.config("prompts").path("training_system_prompt").asText("");
    long erased = 0;
    if (erase) {
      for (int i = 0; i < from.size(); i++) {
        erased += eraseCopy(files.get(i), to.get(i));
      }
    } else {
      FileSystems.copy(from, to);
    }
    long rows = manifest.commercialRows();
    record
        .put("source", source)
        .put("snapshot", manifest.json().path("snapshot").path("id").asText())
        .put("filter", "commercial_use = true")
        .put("rows", rows)
        .put("bytes", bytes);
    var tags = record.putArray("license_tags");
    for (JsonNode l : manifest.json().path("licenses")) {
      if (l.path("commercial_use").asBoolean()) {
        tags.add(l.deepCopy());
      }
    }
    // The attribution the copied rows carry: their source datasets, counted as copied.
    ObjectNode copied = Json.mapper().createObjectNode();
    var provenance = copied.putArray("provenance");
    for (JsonNode d : manifest.json().path("provenance")) {
      long cleared = d.path("cleared_rows").asLong();
      if (cleared > 0) {
        ObjectNode e = d.deepCopy();
        e.put("rows", cleared).put("cleared_rows", cleared);
        provenance.add(e);
      }
    }
    record.set("provenance", provenance);
    record
        .putObject("system_prompt")
        .put("view", erase ? "erased" : "generating")
        .put("training_system_prompt", training)
        .put(
            "note",
            erase
                ? "system_prompt holds training_system_prompt on every row (Orca 2's prompt"
                    + " erasure); system_prompt_id names the prompt that produced the answer"
                : "system_prompt is the prompt that produced the answer");
    if (erase && erased != rows) {
      throw new IOException(
          "erased "
              + erased
              + " rows but the manifest counts "
              + rows
              + " cleared rows in "
              + source);
    }
    JsonFiles.write(dest, "export.json", record);
    JsonFiles.writeText(
        dest,
        "PROVENANCE.md",
        "# Rows cleared for commercial use, exported from "
            + source
            + "\n\n"
            + (erase
                ? "System prompts are erased: `system_prompt` holds the generic training prompt "
                    + (training.isEmpty() ? "(empty)" : "`" + training + "`")
                    + " on every row; `system_prompt_id` names the one that produced the"
                    + " answer.\n\n"
                : "")
            + DatasetCard.provenance(copied),
        "text/markdown");
    out.printf(
        "exported %d rows cleared for commercial use (%d files, %.1f MB) from %s to %s%s%n",
        rows, files.size(), bytes / 1e6, source, dest, erase ? ", system prompts erased" : "");
    if (rows == 0) {
      out.println(
          "no row of this snapshot is cleared: see the License section of "
              + source
              + "/README.md");
    }
    out.flush();
    return 0;
  }

  /**
   * Copies one Parquet file with `system_prompt` replaced by `training_system_prompt`, every other
   * column as it was; returns its rows.
   */
  private static long eraseCopy(MatchResult.Metadata file, ResourceId to) throws IOException {
    long rows = 0;
    try (ParquetReader<GenericRecord> in =
        AvroParquetReader.<GenericRecord>builder(new ReadableFileInput(file))
            .withDataModel(GenericData.get())
            .build()) {
      GenericRecord r = in.read();
      if (r == null) {
        return 0;
      }
      if (r.getSchema().getField("training_system_prompt") == null) {
        throw new UsageException(
            file.resourceId()
                + " has no training_system_prompt column: its snapshot was written before prompt"
                + " erasure; run the config again to rewrite it");
      }
      try (ParquetWriter<GenericRecord> out =
          AvroParquetWriter.<GenericRecord>builder(new ChannelOutputFile(to))
              .withSchema(r.getSchema())
              .withDataModel(GenericData.get())
              .withCompressionCodec(CompressionCodecName.ZSTD)
              .build()) {
        for (; r != null; r = in.read()) {
          r.put("system_prompt", r.get("training_system_prompt"));
          out.write(r);
          rows++;
        }
      }
    }
    return rows;
  }

  private static String strip(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
