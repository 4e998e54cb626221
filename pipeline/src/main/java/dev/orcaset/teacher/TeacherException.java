package dev.orcaset.teacher;

import java.io.IOException;

/**
 * A teacher call that did not produce an answer, classified once at the HTTP boundary. An {@link
 * IOException} so it travels through OkHttp's interceptor chain unchanged.
 */
public final class TeacherException extends IOException {

  /** What the failure means for the row and for the job. */
  public enum Kind {
    /**
     * Worth another try (429 rate limit, 5xx, dropped connection); failed only when attempts run
     * out.
     */
    RETRYABLE,
    /** This request will never succeed (400, context too long, content filter): the row fails. */
    PERMANENT,
    /** No request will succeed (bad key, no quota, unknown model): the job stops. */
    FATAL
  }

  private final Kind kind;
  private final int httpStatus;
  private final String providerCode;
  private final int attempts;

  public TeacherException(
      Kind kind, int httpStatus, String providerCode, String message, int attempts) {
    super(message);
    this.kind = kind;
    this.httpStatus = httpStatus;
    this.providerCode = providerCode;
    this.attempts = attempts;
  }

  public TeacherException(Kind kind, String message, int attempts, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.httpStatus = 0;
    this.providerCode = null;
    this.attempts = attempts;
  }

  public Kind kind() {
    return kind;
  }

  /** 0 when no HTTP response was received. */
  public int httpStatus() {
    return httpStatus;
  }

  public String providerCode() {
    return providerCode;
  }

  public int attempts() {
    return attempts;
  }
}
