package dev.orcaset.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orcaset.io.Json;
import dev.orcaset.io.JsonFiles;
import dev.orcaset.report.DatasetCard;
import dev.orcaset.report.Manifest;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;

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
    List<String> paths = new ArrayList<>();
    for (String a : args) {
      if (a.equals("--commercial-only")) {
        commercialOnly = true;
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
          "export needs OUTPUT and DEST: orcaset export --commercial-only OUTPUT DEST");
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
    FileSystems.copy(from, to);
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
    JsonFiles.write(dest, "export.json", record);
    JsonFiles.writeText(
        dest,
        "PROVENANCE.md",
        "# Rows cleared for commercial use, exported from "
            + source
            + "\n\n"
            + DatasetCard.provenance(copied),
        "text/markdown");
    out.printf(
        "exported %d rows cleared for commercial use (%d files, %.1f MB) from %s to %s%n",
        rows, files.size(), bytes / 1e6, source, dest);
    if (rows == 0) {
      out.println(
          "no row of this snapshot is cleared: see the License section of "
              + source
              + "/README.md");
    }
    out.flush();
    return 0;
  }

  private static String strip(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
