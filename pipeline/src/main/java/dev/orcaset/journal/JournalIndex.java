package dev.orcaset.journal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.VarInt;

/**
 * Where each entry of a slice starts, by request hash: a sidecar `_SLICE.idx` holding, per entry,
 * its hash prefixes (request and unbounded) and length (about 14 bytes against an entry's 600 to
 * 3,000), so a run that needs a few answers reads those entries, not the whole journal. Written
 * after its slice is committed: a slice without one (a crash in between, or a journal from an older
 * version) is read whole, as before. The name neither ends in `.jsonl` nor lacks its `_`, so no
 * reader of slices takes it for one.
 */
public final class JournalIndex {
  private final long[] prefixes;
  private final long[] unboundedPrefixes;
  private final long[] offsets;
  private final int[] lengths;
  private final long bytes;

  private JournalIndex(
      long[] prefixes, long[] unboundedPrefixes, long[] offsets, int[] lengths, long bytes) {
    this.prefixes = prefixes;
    this.unboundedPrefixes = unboundedPrefixes;
    this.offsets = offsets;
    this.lengths = lengths;
    this.bytes = bytes;
  }

  public long prefix(int entry) {
    return prefixes[entry];
  }

  /**
   * The prefix of the entry's unbounded hash, 0 when it has none (a failure, a line from an older
   * version, or an index in the older format).
   */
  public long unboundedPrefix(int entry) {
    return unboundedPrefixes[entry];
  }

  public long offset(int entry) {
    return offsets[entry];
  }

  public int length(int entry) {
    return lengths[entry];
  }

  public int size() {
    return prefixes.length;
  }

  /** The first 64 bits of a hex request hash: what the index and {@link HashFilter} key on. */
  public static long prefix(String requestHash) {
    return Long.parseUnsignedLong(requestHash.substring(0, 16), 16);
  }

  /**
   * The first 32 bits of a hex unbounded hash: enough to find a few questions' answers among
   * millions (a false match costs one entry's read; the join compares whole hashes), at 4 bytes an
   * entry in the index.
   */
  public static long unboundedPrefix(String unboundedHash) {
    return Long.parseUnsignedLong(unboundedHash.substring(0, 8), 16);
  }

  public static String nameFor(String sliceName) {
    return "_" + sliceName + ".idx";
  }

  /** Where a slice's index is: beside it, under {@link #nameFor}. */
  public static ResourceId location(ResourceId slice) {
    return slice
        .getCurrentDirectory()
        .resolve(nameFor(slice.getFilename()), StandardResolveOptions.RESOLVE_FILE);
  }

  /** The first format: no unbounded prefixes. Still read, so older journals keep their index. */
  private static final byte[] MAGIC_1 = "OJX1".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] MAGIC = "OJX2".getBytes(StandardCharsets.US_ASCII);

  /**
   * The bytes of an index for entries starting at these offsets (one more than entries: the end): a
   * magic, the token bounds its answers were asked with, the count, then per entry its request hash
   * prefix (8 bytes) and its unbounded hash prefix (4 bytes, 0 for none) and its length (a varint),
   * about 14 bytes an entry; offsets are the running sum.
   */
  static byte[] bytes(String[] hashes, String[] unboundedHashes, int[] bounds, long[] starts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(8 + hashes.length * 14);
    try (DataOutputStream out = new DataOutputStream(b)) {
      out.write(MAGIC);
      VarInt.encode(bounds.length, out);
      for (int bound : bounds) {
        VarInt.encode(bound, out);
      }
      VarInt.encode(hashes.length, out);
      for (int i = 0; i < hashes.length; i++) {
        out.writeLong(prefix(hashes[i]));
        out.writeInt(unboundedHashes[i] == null ? 0 : (int) unboundedPrefix(unboundedHashes[i]));
        VarInt.encode(starts[i + 1] - starts[i], out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: cannot happen
    }
    return b.toByteArray();
  }

  /**
   * The index of a slice, or empty when it has none or it does not read: either way the caller
   * reads the slice whole, so a damaged index costs bytes, never answers.
   */
  public static Optional<JournalIndex> read(ResourceId slice) {
    ResourceId idx = location(slice);
    try {
      MatchResult m = FileSystems.match(idx.toString(), EmptyMatchTreatment.ALLOW);
      if (m.status() != MatchResult.Status.OK || m.metadata().isEmpty()) {
        return Optional.empty();
      }
      try (DataInputStream in =
          new DataInputStream(
              new BufferedInputStream(Channels.newInputStream(FileSystems.open(idx))))) {
        byte[] magic = new byte[MAGIC.length];
        in.readFully(magic);
        boolean second = Arrays.equals(magic, MAGIC);
        if (!second && !Arrays.equals(magic, MAGIC_1)) {
          return Optional.empty();
        }
        if (second) {
          readBounds(in);
        }
        int n = VarInt.decodeInt(in);
        if (n < 0 || n > 100_000_000) {
          return Optional.empty();
        }
        long[] prefixes = new long[n];
        long[] unbounded = new long[n];
        long[] offsets = new long[n];
        int[] lengths = new int[n];
        long at = 0;
        for (int i = 0; i < n; i++) {
          prefixes[i] = in.readLong();
          unbounded[i] = second ? Integer.toUnsignedLong(in.readInt()) : 0;
          offsets[i] = at;
          lengths[i] = VarInt.decodeInt(in);
          at += lengths[i];
        }
        return Optional.of(
            new JournalIndex(
                prefixes, unbounded, offsets, lengths, m.metadata().get(0).sizeBytes()));
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static int[] readBounds(DataInputStream in) throws IOException {
    int k = VarInt.decodeInt(in);
    if (k < 0 || k > 1_000_000) {
      throw new IOException("not an index: " + k + " token bounds");
    }
    int[] bounds = new int[k];
    for (int i = 0; i < k; i++) {
      bounds[i] = VarInt.decodeInt(in);
    }
    return bounds;
  }

  /** The token bounds a slice's answers were asked with, from its index's first bytes. */
  public record Bounds(int[] bounds, long bytesRead) {
    /** Whether every answer here was asked with {@code bound} (then none is under another). */
    public boolean onlyAt(int bound) {
      return Arrays.stream(bounds).allMatch(b -> b == bound);
    }
  }

  /**
   * The bounds in a slice's index, reading only its first bytes; empty when it has no index, or one
   * of the first format, which does not say.
   */
  public static Optional<Bounds> bounds(ResourceId slice) {
    ResourceId idx = location(slice);
    try (DataInputStream in =
        new DataInputStream(
            new BufferedInputStream(Channels.newInputStream(FileSystems.open(idx)), 512))) {
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        return Optional.empty();
      }
      int[] bounds = readBounds(in);
      return Optional.of(new Bounds(bounds, MAGIC.length + 5L * (bounds.length + 1)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Where the last entry ends: the size of the slice this index was written for. */
  public long end() {
    int n = size();
    return n == 0 ? 0 : offsets[n - 1] + lengths[n - 1];
  }

  /** Bytes of the index file itself: reading it is part of what a lookup costs. */
  public long bytes() {
    return bytes;
  }
}
