package dev.orcaset.pipeline;

import dev.orcaset.config.TeacherConfig;
import dev.orcaset.flan.QuestionTypes;
import dev.orcaset.journal.JournalEntry;
import dev.orcaset.license.LicensePolicy;
import dev.orcaset.license.LicenseTag;
import dev.orcaset.model.Answer;
import dev.orcaset.model.DropReason;
import dev.orcaset.model.FailedRequest;
import dev.orcaset.model.FlanRecord;
import dev.orcaset.model.Question;
import dev.orcaset.model.ReasoningSplit;
import dev.orcaset.model.Sample;
import dev.orcaset.model.TargetCheck;
import dev.orcaset.quality.TargetComparator;
import java.io.Serializable;

/**
 * Turns a question and what the teacher said to it into a dataset row or a failed/ row, complete
 * with its license verdict. One place for both sources of answers, the teacher just now and the
 * journal of earlier runs, so a reused answer is the same row a fresh one would be.
 */
final class Rows implements Serializable {
  private final TeacherConfig teacher;
  private final LicensePolicy policy;
  private final int tier;

  /** Rows of the teacher tier {@code tier} (1: the run's `teacher`). */
  Rows(TeacherConfig teacher, LicensePolicy policy, int tier) {
    this.teacher = teacher;
    this.policy = policy;
    this.tier = tier;
  }

  /** The token bound this run's questions are asked with. */
  int maxTokens() {
    return teacher.maxTokens();
  }

  /** A row from a journal entry, which holds either an answer or a permanent failure. */
  Answer row(Question q, JournalEntry e) {
    return e.isAnswer() ? sample(q, e) : failure(q, e.failure(), DropReason.PERMANENT_ERROR);
  }

  Sample sample(Question q, JournalEntry e) {
    FlanRecord r = q.record();
    var a = e.answer();
    ReasoningSplit split = ReasoningSplit.of(a);
    TargetCheck check =
        TargetComparator.check(q.request().userMessage(), split.response(), r.targets());
    LicenseTag license = policy.tag(teacher.provider(), teacher.model(), q.submix(), r.taskName());
    return new Sample(
        q.id(),
        q.submix(),
        r.taskName(),
        r.templateType(),
        QuestionTypes.of(r.inputs()),
        q.systemPromptId(),
        q.systemPrompt(),
        q.request().userMessage(),
        split.response(),
        split.reasoning(),
        r.targets(),
        check.verdict(),
        check.method(),
        null,
        null,
        tier,
        teacher.provider(),
        teacher.model(),
        a.servedModel(),
        a.finishReason(),
        a.promptTokens(),
        a.completionTokens(),
        a.reasoningTokens(),
        a.attempts(),
        license.tag(),
        license.commercialUse(),
        license.reasons(),
        license.sourceDataset(),
        license.sourceTag(),
        license.sourceReviewed(),
        e.atMillis(),
        e.runId(),
        q.requestHash(),
        r.origin().file(),
        r.origin().line());
  }

  FailedRequest failure(Question q, JournalEntry.Failure f, DropReason reason) {
    FlanRecord r = q.record();
    return new FailedRequest(
        q.id(),
        q.submix(),
        r.taskName(),
        q.systemPromptId(),
        q.requestHash(),
        reason,
        f.httpStatus(),
        f.providerCode(),
        f.message(),
        f.attempts(),
        q.request().userMessage(),
        r.origin().file(),
        r.origin().line(),
        tier);
  }
}
