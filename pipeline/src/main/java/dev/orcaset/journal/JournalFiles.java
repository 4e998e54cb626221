package dev.orcaset.journal;

import dev.orcaset.io.Locations;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.function.LongPredicate;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
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

  /** What reading a slice gives: its entries, the lines that were not entries, bytes read. */
  public record Slice(List<JournalEntry> entries, List<String> unreadable, long bytesRead) {}

  /**
   * Reads a slice. A line that does not parse is reported, not fatal: a journal written by a
   * process killed mid-write on a filesystem without atomic rename may end in half a line.
   */
  public static Slice read(ResourceId slice) throws IOException {
    List<JournalEntry> entries = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    long[] counted = {0};
    try (InputStream raw = Channels.newInputStream(FileSystems.open(slice));
        BufferedReader r =
            new BufferedReader(
                new InputStreamReader(counting(raw, counted), StandardCharsets.UTF_8))) {
      int n = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        n++;
        parse(line, slice + " line " + n, entries, unreadable);
      }
    }
    return new Slice(entries, unreadable, counted[0]);
  }

  /** Reads at most this many bytes at once when neighbouring entries are all wanted. */
  private static final int MAX_RUN_BYTES = 4 << 20;

  /**
   * Reads the entries of a slice whose request hash may be wanted (by its 64-bit prefix), through
   * the slice's index: only those entries' bytes and the index are read. Without an index (or on a
   * filesystem that cannot seek) the slice is read whole and all its entries returned.
   */
  public static Slice read(ResourceId slice, LongPredicate wanted) throws IOException {
    return read(slice, wanted, false);
  }

  /**
   * As {@link #read(ResourceId, LongPredicate)}, testing the prefixes of the entries' unbounded
   * hashes instead (entries without one are not read), for answers asked with another bound than
   * {@code otherThan}: a slice whose index says all its answers were asked with that bound is
   * skipped after its first bytes, so looking across bounds costs nothing until a bound changes.
   */
  public static Slice readOtherBounds(ResourceId slice, LongPredicate wanted, int otherThan)
      throws IOException {
    Optional<JournalIndex.Bounds> bounds = JournalIndex.bounds(slice);
    if (bounds.isPresent() && bounds.get().onlyAt(otherThan)) {
      return new Slice(List.of(), List.of(), bounds.get().bytesRead());
    }
    return read(slice, wanted, true);
  }

  private static Slice read(ResourceId slice, LongPredicate wanted, boolean unbounded)
      throws IOException {
    Optional<JournalIndex> index = JournalIndex.read(slice);
    if (index.isEmpty()) {
      return read(slice);
    }
    JournalIndex idx = index.get();
    IntPredicate take =
        unbounded
            ? i -> idx.unboundedPrefix(i) != 0 && wanted.test(idx.unboundedPrefix(i))
            : i -> wanted.test(idx.prefix(i));
    try (ReadableByteChannel ch = FileSystems.open(slice)) {
      if (!(ch instanceof SeekableByteChannel seekable) || seekable.size() != idx.end()) {
        return read(slice); // cannot seek, or the index is not this slice's
      }
      List<JournalEntry> entries = new ArrayList<>();
      List<String> unreadable = new ArrayList<>();
      long read = idx.bytes();
      int i = 0;
      while (i < idx.size()) {
        if (!take.test(i)) {
          i++;
          continue;
        }
        // A run of wanted neighbours is one read: a whole re-run reads slices sequentially.
        long start = idx.offset(i);
        long end = start + idx.length(i);
        int j = i + 1;
        while (j < idx.size()
            && idx.offset(j) == end
            && end - start + idx.length(j) <= MAX_RUN_BYTES
            && take.test(j)) {
          end += idx.length(j);
          j++;
        }
        ByteBuffer buf = ByteBuffer.allocate((int) (end - start));
        seekable.position(start);
        while (buf.hasRemaining()) {
          if (seekable.read(buf) < 0) {
            throw new IOException(
                slice + " ends at " + seekable.position() + ", its index says " + end);
          }
        }
        read += buf.capacity();
        String text = new String(buf.array(), StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
          parse(line, slice + " byte " + start, entries, unreadable);
        }
        i = j;
      }
      return new Slice(entries, unreadable, read);
    }
  }

  private static void parse(
      String line, String where, List<JournalEntry> entries, List<String> unreadable) {
    if (line.isBlank()) {
      return;
    }
    try {
      entries.add(JournalEntry.fromLine(line));
    } catch (IOException e) {
      unreadable.add(where + ": " + e.getMessage());
    }
  }

  private static InputStream counting(InputStream in, long[] counted) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        counted[0] += b < 0 ? 0 : 1;
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        counted[0] += Math.max(0, n);
        return n;
      }
    };
  }

  /**
   * Writes a slice so that it appears whole or not at all, and survives a crash once this returns.
   */
  public static void write(String dir, String name, List<JournalEntry> entries) throws IOException {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    String[] hashes = new String[entries.size()];
    String[] unbounded = new String[entries.size()];
    TreeSet<Integer> bounds = new TreeSet<>();
    long[] starts = new long[entries.size() + 1];
    for (int i = 0; i < entries.size(); i++) {
      byte[] line = (entries.get(i).toLine() + "\n").getBytes(StandardCharsets.UTF_8);
      hashes[i] = entries.get(i).requestHash();
      unbounded[i] = entries.get(i).unboundedHash();
      if (unbounded[i] != null) {
        bounds.add(entries.get(i).maxTokens());
      }
      starts[i + 1] = starts[i] + line.length;
      text.write(line);
    }
    writeWhole(dir, name, text.toByteArray());
    writeWhole(
        dir,
        JournalIndex.nameFor(name),
        JournalIndex.bytes(
            hashes, unbounded, bounds.stream().mapToInt(Integer::intValue).toArray(), starts));
  }

  private static void writeWhole(String dir, String name, byte[] bytes) throws IOException {
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

  /** Deletes slices and their indexes (a slice written before indexes existed has none). */
  public static void delete(List<ResourceId> slices) throws IOException {
    FileSystems.delete(slices);
    List<ResourceId> indexes = new ArrayList<>();
    for (ResourceId s : slices) {
      indexes.add(JournalIndex.location(s));
    }
    FileSystems.delete(indexes, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
  }

  public static ResourceId resource(String dir, String name) {
    return FileSystems.matchNewResource(stripSlash(dir), true)
        .resolve(name, StandardResolveOptions.RESOLVE_FILE);
  }

  private static String stripSlash(String dir) {
    return dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
  }
}
