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
 * its hash prefix and length (about 10 bytes against an entry's 600 to 3,000), so a run that needs
 * a few answers reads those entries, not the whole journal. Written after its slice is committed: a
 * slice without one (a crash in between, or a journal from an older version) is read whole, as
 * before. The name neither ends in `.jsonl` nor lacks its `_`, so no reader of slices takes it for
 * one.
 */
public final class JournalIndex {
  private final long[] prefixes;
  private final long[] offsets;
  private final int[] lengths;
  private final long bytes;

  private JournalIndex(long[] prefixes, long[] offsets, int[] lengths, long bytes) {
    this.prefixes = prefixes;
    this.offsets = offsets;
    this.lengths = lengths;
    this.bytes = bytes;
  }

  public long prefix(int entry) {
    return prefixes[entry];
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

  public static String nameFor(String sliceName) {
    return "_" + sliceName + ".idx";
  }

  private static final byte[] MAGIC = "OJX1".getBytes(StandardCharsets.US_ASCII);

  /**
   * The bytes of an index for entries starting at these offsets (one more than entries: the end): a
   * magic, the count, then per entry its hash prefix (8 bytes) and length (a varint), about 10
   * bytes an entry; offsets are the running sum.
   */
  static byte[] bytes(String[] hashes, long[] starts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(8 + hashes.length * 10);
    try (DataOutputStream out = new DataOutputStream(b)) {
      out.write(MAGIC);
      VarInt.encode(hashes.length, out);
      for (int i = 0; i < hashes.length; i++) {
        out.writeLong(prefix(hashes[i]));
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
    ResourceId idx =
        slice
            .getCurrentDirectory()
            .resolve(nameFor(slice.getFilename()), StandardResolveOptions.RESOLVE_FILE);
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
        int n = VarInt.decodeInt(in);
        if (!Arrays.equals(magic, MAGIC) || n < 0 || n > 100_000_000) {
          return Optional.empty();
        }
        long[] prefixes = new long[n];
        long[] offsets = new long[n];
        int[] lengths = new int[n];
        long at = 0;
        for (int i = 0; i < n; i++) {
          prefixes[i] = in.readLong();
          offsets[i] = at;
          lengths[i] = VarInt.decodeInt(in);
          at += lengths[i];
        }
        return Optional.of(
            new JournalIndex(prefixes, offsets, lengths, m.metadata().get(0).sizeBytes()));
      }
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
