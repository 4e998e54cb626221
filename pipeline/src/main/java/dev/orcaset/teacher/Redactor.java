package dev.orcaset.teacher;

/** Removes a secret from any text before it reaches a log, an exception or a file. */
public final class Redactor {
  private Redactor() {}

  public static String redact(String text, String secret) {
    if (text == null || secret == null || secret.length() < 4) {
      return text;
    }
    return text.replace(secret, "[REDACTED]");
  }
}
