package dev.orcaset.journal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.util.VarInt;

/**
 * A Bloom filter of request hashes, keyed on their first 64 bits (the hashes are SHA-256, so those
 * bits are already uniform). A fixed 8 MiB of bits with four probes: 5M questions give about 0.4%
 * false positives, a refresh of thousands next to none. A false positive costs one entry read, not
 * a wrong answer: the join that follows compares whole hashes.
 */
public final class HashFilter {
  static final int LOG2_BITS = 26;
  private static final int PROBES = 4;
  private static final long MASK = (1L << LOG2_BITS) - 1;

  /**
   * Allocated on the first hash: an empty filter (a bundle's accumulator, a placeholder) is free.
   */
  private long[] words;

  /** How many hashes were added (a hash added twice counts twice). */
  private long added;

  public boolean isEmpty() {
    return words == null;
  }

  /** How many hashes were added: what a reader compares with a file's rows before reading it. */
  public long size() {
    return added;
  }

  private long[] words() {
    if (words == null) {
      words = new long[1 << (LOG2_BITS - 6)];
    }
    return words;
  }

  public void add(long prefix) {
    added++;
    long[] words = words();
    long h2 = mix(prefix);
    for (int i = 0; i < PROBES; i++) {
      long bit = (prefix + i * h2) & MASK;
      words[(int) (bit >>> 6)] |= 1L << bit;
    }
  }

  public boolean mightContain(long prefix) {
    if (words == null) {
      return false;
    }
    long h2 = mix(prefix);
    for (int i = 0; i < PROBES; i++) {
      long bit = (prefix + i * h2) & MASK;
      if ((words[(int) (bit >>> 6)] & (1L << bit)) == 0) {
        return false;
      }
    }
    return true;
  }

  /** This filter with the other's hashes added too. */
  public HashFilter merge(HashFilter other) {
    added += other.added;
    if (other.words != null) {
      long[] words = words();
      for (int i = 0; i < words.length; i++) {
        words[i] |= other.words[i];
      }
    }
    return this;
  }

  // Any odd-making mix will do: it only has to be independent of the low bits used as h1.
  private static long mix(long x) {
    x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
    x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return (x ^ (x >>> 33)) | 1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HashFilter f && added == f.added && Arrays.equals(bits(), f.bits());
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(bits()) + Long.hashCode(added);
  }

  private long[] bits() {
    return words == null ? new long[0] : words;
  }

  /**
   * A filter as the gaps between its set bits: one built from a few thousand hashes (a bundle's, or
   * a refresh's) is about 3 bytes a probe on the wire, not 8 MiB.
   */
  public static final class Coder extends AtomicCoder<HashFilter> {
    @Override
    public void encode(HashFilter f, OutputStream out) throws IOException {
      VarInt.encode(f.added, out);
      long[] words = f.bits();
      long set = 0;
      for (long w : words) {
        set += Long.bitCount(w);
      }
      VarInt.encode(set, out);
      long last = -1;
      for (int i = 0; i < words.length; i++) {
        for (long w = words[i]; w != 0; w &= w - 1) {
          long bit = ((long) i << 6) + Long.numberOfTrailingZeros(w);
          VarInt.encode(bit - last, out);
          last = bit;
        }
      }
    }

    @Override
    public HashFilter decode(InputStream in) throws IOException {
      HashFilter f = new HashFilter();
      f.added = VarInt.decodeLong(in);
      long set = VarInt.decodeLong(in);
      long bit = -1;
      for (long k = 0; k < set; k++) {
        bit += VarInt.decodeLong(in);
        f.words()[(int) (bit >>> 6)] |= 1L << bit;
      }
      return f;
    }
  }
}
