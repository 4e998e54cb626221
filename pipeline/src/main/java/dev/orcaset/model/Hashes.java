package dev.orcaset.model;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 helpers: every id, hash and seeded choice in orcaset derives from these. ({@link #key64}
 * is a fast non-cryptographic hash for similarity sketches, where SHA-256 per word 3-gram would
 * dominate the cost.)
 */
public final class Hashes {
  private Hashes() {}

  public static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM lacks SHA-256", e);
    }
  }

  public static String sha256Hex(String text) {
    return HexFormat.of().formatHex(sha256(text));
  }

  /**
   * A uniform value in [0, 1) fixed by (seed, purpose, key): the basis of deterministic sampling
   * and prompt choice. Separate purposes keep the two choices independent.
   */
  public static double unitInterval(long seed, String purpose, String key) {
    long bits = ByteBuffer.wrap(sha256(seed + "\u0000" + purpose + "\u0000" + key)).getLong();
    return (bits >>> 11) * 0x1.0p-53;
  }

  /** FNV-1a over the string's UTF-16 units, 64 bits: fast, stable across JVMs and runs. */
  public static long key64(String text) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < text.length(); i++) {
      h ^= text.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }
}
