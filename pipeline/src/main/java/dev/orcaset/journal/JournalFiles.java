package dev.orcaset.journal;

import dev.orcaset.io.Locations;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * The journal's files: slices named `*.jsonl` in one folder, on a local disk or any Beam
 * FileSystems path (`gs://`…). A slice is only ever visible whole: on a local disk it is written
 * under a temporary name, synced and renamed; object stores publish an object when it is closed.
 * Readers only take `*.jsonl` not starting with `_` or `.`, so a `_tmp-` leftover of a killed
 * writer is ignored.
 */
public final class JournalFiles {
  private JournalFiles() {}

  /** The glob of a journal's committed slices. */
  public static String slicePattern(String dir) {
    return stripSlash(dir) + "/*.jsonl";
  }

  /** Committed slices, by name; none if the folder does not exist yet. */
  public static List<MatchResult.Metadata> list(String dir) throws IOException {
    return list(dir, "*.jsonl");
  }

  /** Committed slices whose names match {@code glob} (e.g. one run's: `RUN-*.jsonl`). */
  public static List<MatchResult.Metadata> list(String dir, String glob) throws IOException {
    MatchResult r = FileSystems.match(stripSlash(dir) + "/" + glob, EmptyMatchTreatment.ALLOW);
    if (r.status() == MatchResult.Status.NOT_FOUND) {
      return List.of();
    }
    List<MatchResult.Metadata> slices = new ArrayList<>();
    for (MatchResult.Metadata m : r.metadata()) {
      if (isSlice(m.resourceId().getFilename())) {
        slices.add(m);
      }
    }
    slices.sort(Comparator.comparing(m -> m.resourceId().getFilename()));
    return slices;
  }

  /** A committed slice, not a writer's temporary file. */
  public static boolean isSlice(String fileName) {
    return fileName != null
        && fileName.endsWith(".jsonl")
        && !fileName.startsWith("_")
        && !fileName.startsWith(".");
  }

  /** What reading a slice gives: its entries, and the lines that were not entries. */
  public record Slice(List<JournalEntry> entries, List<String> unreadable) {}

  /**
   * Reads a slice. A line that does not parse is reported, not fatal: a journal written by a
   * process killed mid-write on a filesystem without atomic rename may end in half a line.
   */
  public static Slice read(ResourceId slice) throws IOException {
    List<JournalEntry> entries = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(Channels.newReader(FileSystems.open(slice), StandardCharsets.UTF_8))) {
      int n = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        try {
          entries.add(JournalEntry.fromLine(line));
        } catch (IOException e) {
          unreadable.add(slice + " line " + n + ": " + e.getMessage());
        }
      }
    }
    return new Slice(entries, unreadable);
  }

  /**
   * Writes a slice so that it appears whole or not at all, and survives a crash once this returns.
   */
  public static void write(String dir, String name, List<JournalEntry> entries) throws IOException {
    StringBuilder text = new StringBuilder();
    for (JournalEntry e : entries) {
      text.append(e.toLine()).append('\n');
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    if (Locations.isLocal(dir)) {
      Path folder = Path.of(dir);
      Files.createDirectories(folder);
      Path tmp = folder.resolve("_tmp-" + name + ".partial");
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    } else {
      ResourceId target = resource(dir, name);
      try (WritableByteChannel ch = FileSystems.create(target, "application/jsonl");
          OutputStream out = Channels.newOutputStream(ch)) {
        out.write(bytes);
      }
    }
  }

  public static void delete(List<ResourceId> slices) throws IOException {
    FileSystems.delete(slices);
  }

  public static ResourceId resource(String dir, String name) {
    return FileSystems.matchNewResource(stripSlash(dir), true)
        .resolve(name, StandardResolveOptions.RESOLVE_FILE);
  }

  private static String stripSlash(String dir) {
    return dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
  }
}
