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
import java.util.Map;
import java.util.TreeMap;
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
 * `orcaset export [--commercial-only] [--tier N] OUTPUT DEST`: copies the current snapshot's rows
 * cleared for commercial training (the `commercial_use=true` partitions), or one teacher tier's
 * rows, or the rows that are both, to DEST, keeping the folder layout, with an `export.json` saying
 * what was copied from where and a `PROVENANCE.md` listing the source datasets of the copied rows
 * with their licenses and attribution. DEST must be new or empty, so an export never mixes with
 * older files.
 */
final class ExportCommand {
  private final PrintWriter out;

  ExportCommand(PrintWriter out) {
    this.out = out;
  }

  int run(List<String> args) throws IOException {
    boolean commercialOnly = false;
    boolean erase = false;
    Integer tier = null;
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--commercial-only")) {
        commercialOnly = true;
      } else if (a.equals("--erase-prompts")) {
        erase = true;
      } else if (a.equals("--tier")) {
        tier = tierNumber(i + 1 < args.size() ? args.get(++i) : null);
      } else if (a.startsWith("--tier=")) {
        tier = tierNumber(a.substring("--tier=".length()));
      } else if (a.startsWith("--")) {
        throw new UsageException("unknown argument '" + a + "' for export");
      } else {
        paths.add(a);
      }
    }
    if (!commercialOnly && tier == null) {
      throw new UsageException(
          "export needs --commercial-only (the rows cleared for training commercial models)"
              + " and/or --tier N (one teacher tier's rows)");
    }
    if (paths.size() != 2) {
      throw new UsageException(
          "export needs OUTPUT and DEST: orcaset export [--commercial-only] [--tier N]"
              + " [--erase-prompts] OUTPUT DEST");
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
    int tiers = Math.max(1, manifest.json().path("tiers").size());
    if (tier != null && tier > tiers) {
      throw new UsageException(
          source + " has " + tiers + " teacher tier" + (tiers == 1 ? "" : "s") + ", not " + tier);
    }
    String partition = manifest.snapshotData() + (commercialOnly ? "commercial_use=true/" : "");
    List<MatchResult.Metadata> files =
        FileSystems.match(source + "/" + partition + "**", EmptyMatchTreatment.ALLOW).metadata();
    List<ResourceId> from = new ArrayList<>();
    List<ResourceId> to = new ArrayList<>();
    ObjectNode record = Json.mapper().createObjectNode();
    var listed = record.putArray("files");
    List<String> relatives = new ArrayList<>();
    for (MatchResult.Metadata f : files) {
      String relative =
          f.resourceId().toString().substring(f.resourceId().toString().indexOf(partition));
      from.add(f.resourceId());
      to.add(FileSystems.matchNewResource(dest + "/" + relative, false));
      relatives.add(relative);
    }
    String training = manifest.config("prompts").path("training_system_prompt").asText("");
    // With several tiers the partitions hold every tier's rows, which the manifest's cleared
    // count (tier 1's) does not: rows are then counted as they are copied.
    boolean rewrite = erase || tier != null || tiers > 1;
    Map<String, Long> byDataset = new TreeMap<>();
    long rows = rewrite ? 0 : manifest.commercialRows();
    long bytes = 0;
    for (int i = 0; i < from.size(); i++) {
      long copied =
          rewrite
              ? rewriteCopy(files.get(i), to.get(i), tier, erase, byDataset)
              : copy(from.get(i), to.get(i));
      if (copied > 0 || !rewrite) {
        listed.add(relatives.get(i));
        bytes += FileSystems.matchSingleFileSpec(to.get(i).toString()).sizeBytes();
      }
      rows += rewrite ? copied : 0;
    }
    String filter =
        (commercialOnly ? "commercial_use = true" : "")
            + (commercialOnly && tier != null ? " and " : "")
            + (tier != null ? "tier = " + tier : "");
    record
        .put("source", source)
        .put("snapshot", manifest.json().path("snapshot").path("id").asText())
        .put("filter", filter)
        .put("rows", rows)
        .put("bytes", bytes);
    var tags = record.putArray("license_tags");
    for (JsonNode l : manifest.json().path("licenses")) {
      if (l.path("commercial_use").asBoolean() || !commercialOnly) {
        tags.add(l.deepCopy());
      }
    }
    // The attribution the copied rows carry: their source datasets, counted as copied.
    ObjectNode copied = Json.mapper().createObjectNode();
    var provenance = copied.putArray("provenance");
    for (JsonNode d : manifest.json().path("provenance")) {
      long n =
          rewrite
              ? byDataset.getOrDefault(d.path("dataset_id").asText(), 0L)
              : d.path("cleared_rows").asLong();
      if (n > 0) {
        ObjectNode e = d.deepCopy();
        e.put("rows", n);
        if (commercialOnly) {
          e.put("cleared_rows", n);
        }
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
    // Rows counted as they were rewritten must be the manifest's cleared rows (a plain copy takes
    // its count from the manifest, so there is nothing to check).
    if (rewrite
        && commercialOnly
        && tier == null
        && tiers == 1
        && rows != manifest.commercialRows()) {
      throw new IOException(
          "copied "
              + rows
              + " rows but the manifest counts "
              + manifest.commercialRows()
              + " cleared rows in "
              + source);
    }
    JsonFiles.write(dest, "export.json", record);
    JsonFiles.writeText(
        dest,
        "PROVENANCE.md",
        "# "
            + what(commercialOnly, tier)
            + ", exported from "
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
        "exported %d %s (%d files, %.1f MB) from %s to %s%s%n",
        rows,
        what(commercialOnly, tier).replaceFirst("^Rows", "rows"),
        listed.size(),
        bytes / 1e6,
        source,
        dest,
        erase ? ", system prompts erased" : "");
    if (rows == 0 && commercialOnly) {
      out.println(
          "no row of this snapshot is cleared: see the License section of "
              + source
              + "/README.md");
    }
    out.flush();
    return 0;
  }

  /** "Rows cleared for commercial use", "Tier 2's rows", or both. */
  private static String what(boolean commercialOnly, Integer tier) {
    String rows = tier == null ? "Rows" : "Rows of teacher tier " + tier;
    return commercialOnly ? rows + " cleared for commercial use" : rows;
  }

  private static int tierNumber(String value) {
    try {
      int n = Integer.parseInt(String.valueOf(value));
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException notANumber) {
      // said below
    }
    throw new UsageException("--tier needs a tier number (1 is the run's teacher), got " + value);
  }

  /** A file copied as it is; 0: its rows are counted by the manifest. */
  private static long copy(ResourceId from, ResourceId to) throws IOException {
    FileSystems.copy(List.of(from), List.of(to));
    return 0;
  }

  /**
   * Copies one Parquet file's rows of {@code tier} (null: all), with `system_prompt` replaced by
   * `training_system_prompt` when {@code erase}, every other column as it was; returns the rows
   * copied (no file when none) and adds them to {@code byDataset} by source dataset. A row of a
   * snapshot written before tiers has no `tier` column: it is tier 1's.
   */
  private static long rewriteCopy(
      MatchResult.Metadata file,
      ResourceId to,
      Integer tier,
      boolean erase,
      Map<String, Long> byDataset)
      throws IOException {
    long rows = 0;
    ParquetWriter<GenericRecord> out = null;
    try (ParquetReader<GenericRecord> in =
        AvroParquetReader.<GenericRecord>builder(new ReadableFileInput(file))
            .withDataModel(GenericData.get())
            .build()) {
      for (GenericRecord r = in.read(); r != null; r = in.read()) {
        boolean hasTier = r.getSchema().getField("tier") != null;
        int rowTier = hasTier ? (Integer) r.get("tier") : 1;
        if (tier != null && rowTier != tier) {
          continue;
        }
        if (erase && r.getSchema().getField("training_system_prompt") == null) {
          throw new UsageException(
              file.resourceId()
                  + " has no training_system_prompt column: its snapshot was written before"
                  + " prompt erasure; run the config again to rewrite it");
        }
        if (out == null) {
          out =
              AvroParquetWriter.<GenericRecord>builder(new ChannelOutputFile(to))
                  .withSchema(r.getSchema())
                  .withDataModel(GenericData.get())
                  .withCompressionCodec(CompressionCodecName.ZSTD)
                  .build();
        }
        if (erase) {
          r.put("system_prompt", r.get("training_system_prompt"));
        }
        out.write(r);
        byDataset.merge(String.valueOf(r.get("source_dataset")), 1L, Long::sum);
        rows++;
      }
    } finally {
      if (out != null) {
        out.close();
      }
    }
    return rows;
  }

  private static String strip(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
