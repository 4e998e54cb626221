package dev.orcaset.pipeline;

import dev.orcaset.journal.JournalEntry;
import dev.orcaset.journal.JournalWriter;
import dev.orcaset.model.Answer;
import dev.orcaset.model.ChatCompletion;
import dev.orcaset.model.DropReason;
import dev.orcaset.model.Question;
import dev.orcaset.teacher.TeacherException;

/**
 * The one path from "the teacher said something" to a row, for online and batch mode alike: an
 * answer is saved to the journal first (from here on it is paid for and must not be lost), then
 * becomes its row; a permanent failure is journaled too (asking again would fail again); a
 * retryable one is not, so the next run asks again.
 */
final class AnswerRecorder {
  private final Rows rows;
  private final JournalWriter journal;
  private final String runId;
  private final DropReason retryable;

  /**
   * {@code retryable}: the reason an unanswered question gets when asking again might help ({@link
   * DropReason#RETRIES_EXHAUSTED} online, {@link DropReason#BATCH_ERROR} in batch mode).
   */
  AnswerRecorder(Rows rows, JournalWriter journal, String runId, DropReason retryable) {
    this.rows = rows;
    this.journal = journal;
    this.runId = runId;
    this.retryable = retryable;
  }

  Answer answered(Question q, ChatCompletion answer, String batch) {
    JournalEntry e =
        JournalEntry.answer(
            q.requestHash(),
            q.unboundedHash(),
            q.request().maxTokens(),
            runId,
            System.currentTimeMillis(),
            answer);
    journal.append(e, batch);
    return rows.sample(q, e);
  }

  /** Not for {@link TeacherException.Kind#FATAL}: those stop the job, they are not rows. */
  Answer failed(Question q, TeacherException te, String batch) {
    var f =
        new JournalEntry.Failure(
            te.httpStatus(), te.providerCode(), te.getMessage(), te.attempts());
    if (te.kind() == TeacherException.Kind.PERMANENT) {
      journal.append(
          JournalEntry.failure(q.requestHash(), runId, System.currentTimeMillis(), f), batch);
      return rows.failure(q, f, DropReason.PERMANENT_ERROR);
    }
    return rows.failure(q, f, retryable);
  }

  /** An answer this worker's journal already holds (a retried unit of work): its row again. */
  Answer saved(JournalEntry e, Question q) {
    return rows.row(q, e);
  }

  JournalWriter journal() {
    return journal;
  }
}
