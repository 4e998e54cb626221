package dev.orcaset.config;

import java.io.Serializable;

/**
 * `quality.judge`: a second model that grades answers the target check could not (or every answer),
 * for correctness and the quality of the explanation, on a 1–10 scale. {@code teacher} is a full
 * teacher block (any provider, online or batch): the judge goes through the same client, limiter,
 * journal (its own folder, {@code journalDir}, default `JOURNAL/judge`) and Batch API as the
 * teacher. {@code rubric} is the system prompt it is given (default: the bundled `judge-rubric.txt`
 * in the prompts folder); {@code rows} is {@code unchecked} (default: only rows whose final answer
 * could not be compared with FLAN's target) or {@code all}; rows scored below {@code minScore} are
 * dropped by the `judge` gate.
 */
public record JudgeConfig(
    Boolean enabled,
    TeacherConfig teacher,
    String rubric,
    String rows,
    Integer minScore,
    String journalDir)
    implements Serializable {

  public static final String UNCHECKED = "unchecked";
  public static final String ALL = "all";
  public static final String RUBRIC_FILE = "judge-rubric.txt";
  public static final int MIN_SCORE = 1;
  public static final int MAX_SCORE = 10;

  public JudgeConfig {
    // Naming a judge is turning it on; `enabled: false` keeps the block but skips it.
    enabled = enabled == null ? teacher != null : enabled;
    rows = rows == null ? UNCHECKED : rows;
    minScore = minScore == null ? 6 : minScore;
  }

  public static JudgeConfig off() {
    return new JudgeConfig(false, null, null, null, null, null);
  }

  public JudgeConfig withTeacher(TeacherConfig t) {
    return new JudgeConfig(enabled, t, rubric, rows, minScore, journalDir);
  }

  public JudgeConfig withPaths(String rubricPath, String journalPath) {
    return new JudgeConfig(enabled, teacher, rubricPath, rows, minScore, journalPath);
  }

  /** Whether a row with this target verdict is sent to the judge. */
  public boolean judges(boolean checkedAgainstTarget) {
    return ALL.equals(rows) || !checkedAgainstTarget;
  }
}
