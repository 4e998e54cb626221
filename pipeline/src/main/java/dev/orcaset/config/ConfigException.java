package dev.orcaset.config;

/** A config problem, always naming the file and the key (e.g. `teacher.concurrency`). */
public final class ConfigException extends RuntimeException {
  private final String key;

  public ConfigException(String key, String message) {
    super(key == null ? message : key + ": " + message);
    this.key = key;
  }

  public ConfigException(String key, String message, Throwable cause) {
    super(key == null ? message : key + ": " + message, cause);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
