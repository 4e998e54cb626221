package dev.orcaset.pipeline;

import dev.orcaset.io.RecordCoder;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.values.KV;

/**
 * One thing a run counts: a {@link Measure} and its labels, e.g. (SAMPLES_BY_SOURCE, [NIv2]) or
 * (LICENSE_VERDICTS, [tag, true, reason…]). Stages emit (tally, amount) pairs; one combine adds
 * them up (or keeps the largest, for a {@link Measure#isMax() maximum}); {@link Tallies} reads the
 * totals back by measure.
 */
public record Tally(Measure measure, List<String> labels) implements Serializable {
  static final Coder<KV<Tally, Long>> KV_CODER =
      KvCoder.of(RecordCoder.of(Tally.class), VarLongCoder.of());

  public Tally {
    labels = List.copyOf(labels);
  }

  static KV<Tally, Long> of(Measure m, long amount, String... labels) {
    return KV.of(new Tally(m, List.of(labels)), amount);
  }

  static KV<Tally, Long> one(Measure m, String... labels) {
    return of(m, 1, labels);
  }

  /** What a run and an estimate count. The manifest section a measure fills has its name. */
  public enum Measure {
    /** [outcome]: `input_records`, `samples`, `rejected`, `failed`, `duplicates`, `filtered`. */
    COUNTS,
    SAMPLES_BY_SOURCE,
    SAMPLES_BY_LICENSE,
    SAMPLES_BY_COMMERCIAL_USE,
    SAMPLES_BY_SYSTEM_PROMPT,
    /** [source, reason] of dropped records, and [source] of failed ones: what each quota got. */
    DROPPED_BY_SOURCE_AND_REASON,
    FAILED_BY_SOURCE,
    /** [source, task name]: rows per task, for the balance of tasks within a submix. */
    SAMPLES_BY_TASK,
    /** [question type], and [question type, prompt id]. */
    SAMPLES_BY_QUESTION_TYPE,
    SAMPLES_BY_QUESTION_TYPE_AND_PROMPT,
    /** [source, prompt id]. */
    SAMPLES_BY_SOURCE_AND_PROMPT,
    /** [source, question type, prompt id]: the prompt mix against the index's, for the recipe. */
    SAMPLES_BY_SOURCE_TYPE_AND_PROMPT,
    REJECTED_BY_REASON,
    DROPPED_BY_REASON,
    FAILED_BY_REASON,
    FAILED_BY_STATUS,
    /** [tag, commercial use, reason…]: one per distinct verdict. */
    LICENSE_VERDICTS,
    /** [the audit's dataset id, commercial use]: rows per source dataset. */
    SAMPLES_BY_SOURCE_DATASET,
    /** [source, commercial use]. */
    SAMPLES_BY_SOURCE_AND_COMMERCIAL_USE,
    /**
     * [source, verdict, method]: every answered row (kept, or dropped by a quality gate) by how it
     * compares with FLAN's target.
     */
    TARGET_CHECKS,
    /** [source]: answered rows cut off at the token bound, and their prompt tokens. */
    TRUNCATED,
    TRUNCATED_PROMPT_TOKENS,
    /** [task name]: rows whose source license nobody reviewed. */
    UNREVIEWED_SOURCE_TASKS,
    /** [source]. */
    TOKENS_PROMPT,
    TOKENS_COMPLETION,
    TOKENS_MAX,
    /** [source, lower edge of the bin]. */
    TOKENS_HISTOGRAM,
    /** [field of {@link TeacherUsage}]. */
    TEACHER_USAGE,
    /** [field of {@link TeacherUsage}]: the LLM judge's. */
    JUDGE_USAGE,
    /** [source, `scored` | `unscored`]: rows the judge was asked about; [score]: rows per score. */
    JUDGED,
    JUDGE_SCORES,
    /**
     * [tier, source, `samples` | `filtered` | `failed`]: each teacher tier's answered questions;
     * [tier, source]: their completion tokens; [tier, field of {@link TeacherUsage}]: what the
     * later tiers used (tier 1's is {@link #TEACHER_USAGE}). Rows of tier 2 and on are counted here
     * only: they answer questions tier 1 has already accounted for.
     */
    TIER_ROWS,
    TIER_COMPLETION_TOKENS,
    TIER_USAGE,
    /** [`new_rows` | `kept_rows` | `dropped_rows`] against the previous snapshot. */
    SNAPSHOT,
    /** Estimates: questions to send, by source; their prompt tokens; answers reused. */
    QUESTIONS,
    QUESTIONS_BY_SOURCE,
    PROMPT_TOKENS,
    REUSED_FROM_JOURNAL;

    /** Whether totals keep the largest amount instead of the sum. */
    boolean isMax() {
      return this == TOKENS_MAX;
    }

    /** The manifest's name for it, e.g. `samples_by_source`. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
