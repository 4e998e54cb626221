package dev.orcaset.model;

import java.io.Serializable;

/**
 * An input line that could not become a {@link FlanRecord}, kept with enough context to find and
 * fix it: file, line, the raw text (truncated) and why.
 */
public record Rejection(String file, long line, DropReason reason, String detail, String raw)
    implements Serializable {

  static final int MAX_RAW_CHARS = 2_000;

  public static Rejection of(Origin origin, DropReason reason, String detail, String raw) {
    String kept = raw;
    if (raw != null && raw.length() > MAX_RAW_CHARS) {
      kept = raw.substring(0, MAX_RAW_CHARS) + "…[truncated " + raw.length() + " chars]";
    }
    return new Rejection(origin.file(), origin.line(), reason, detail, kept);
  }
}
