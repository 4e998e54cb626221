package dev.orcaset.pipeline;

import dev.orcaset.config.TeacherConfig;
import dev.orcaset.journal.JournalEntry;
import dev.orcaset.teacher.ChatRequest;

/**
 * Turns a question and what the teacher said to it into a dataset row or a failed/ row. One
 * place for both sources of answers: the teacher just now ({@link CallTeacher}) and the journal
 * of earlier runs ({@link LookUpJournal}), so a reused answer is the same row a fresh one would be.
 */
final class Answers {
  private Answers() {}

  /** The request a question makes: system prompt (may be empty) and FLAN inputs verbatim. */
  static ChatRequest request(TeacherConfig t, Query q) {
    return new ChatRequest(t.model(), q.systemPrompt().text(), q.record().inputs(),
        t.temperature(), t.topP(), t.maxTokens(), t.seed(), t.stream());
  }

  /** A row from a journal entry, which holds either an answer or a permanent failure. */
  static Object row(TeacherConfig teacher, Query q, ChatRequest request, JournalEntry e) {
    return e.isAnswer() ? sample(teacher, q, request, e) : failure(q, request, e.failure(), "permanent_error");
  }

  static Sample sample(TeacherConfig teacher, Query q, ChatRequest request, JournalEntry e) {
    var r = q.record();
    var a = e.answer();
    return new Sample(q.id(), q.submix(), r.taskName(), r.templateType(), q.systemPrompt().id(),
        q.systemPrompt().text(), request.userMessage(), a.content(), r.targets(),
        teacher.provider(), teacher.model(), a.servedModel(), a.finishReason(), a.promptTokens(),
        a.completionTokens(), a.attempts(), null, null, null, e.atMillis(), e.runId(),
        request.requestHash(), r.origin().file(), r.origin().line());
  }

  static FailedRequest failure(Query q, ChatRequest request, JournalEntry.Failure f, String reason) {
    var r = q.record();
    return new FailedRequest(q.id(), q.submix(), r.taskName(), q.systemPrompt().id(),
        request.requestHash(), reason, f.httpStatus(), f.providerCode(), f.message(), f.attempts(),
        request.userMessage(), r.origin().file(), r.origin().line());
  }
}
