package dev.orcaset.teacher;

/**
 * Makes texts fit to show: removes a secret before it reaches a log, an exception or a file, and
 * cuts long provider bodies.
 */
public final class Redactor {
  private Redactor() {}

  public static String redact(String text, String secret) {
    if (text == null || secret == null || secret.length() < 4) {
      return text;
    }
    return text.replace(secret, "[REDACTED]");
  }

  /** The first 300 characters of a provider's body, for messages. */
  public static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  /** What to check when a provider refuses the key (401/403): the variable named in config. */
  public static String checkKeyHint(String apiKeyEnv, String apiKey) {
    return " — check the API key in the environment variable "
        + apiKeyEnv
        + (apiKey == null ? " (it is not set)" : "");
  }
}
