package dev.orcaset.model;

import java.io.Serializable;
import java.util.List;

/**
 * One dataset row, as written to Parquet. {@code question} is exactly the user message sent and
 * {@code response} exactly the assistant content received; {@code runId} names the run that paid
 * for the answer (a later run may reuse it from the journal); {@code targetCheck} says whether the
 * answer's final answer agrees with {@code referenceAnswer}, FLAN's target, and {@code
 * targetCheckMethod} by which comparator; {@code judgeScore} (1–10) and {@code judgeReason} are the
 * LLM judge's grade when one was asked (a null score with a reason: the judge could not score it);
 * {@code tier} is the teacher tier that answered (1: the run's `teacher`; 2 and on: `tiers`, each
 * asked a nested subset of the questions before it). The license fields are the verdict for this
 * row's teacher and source task, decided as the row is built; the source fields say which source
 * dataset the task draws on (the Data Provenance audit's id, empty when it does not list the task),
 * its license tag, and whether anyone reviewed it, so attribution travels with the row.
 */
public record Sample(
    String id,
    String source,
    String taskName,
    String templateType,
    QuestionType questionType,
    int systemPromptId,
    String systemPrompt,
    String question,
    String response,
    String reasoning,
    String referenceAnswer,
    TargetCheck.Verdict targetCheck,
    TargetCheck.Method targetCheckMethod,
    Integer judgeScore,
    String judgeReason,
    int tier,
    String teacherProvider,
    String teacherModel,
    String servedModel,
    String finishReason,
    long promptTokens,
    long completionTokens,
    long reasoningTokens,
    int attempts,
    String licenseTag,
    Boolean commercialUse,
    List<String> licenseReasons,
    String sourceDataset,
    String sourceLicense,
    boolean sourceReviewed,
    long generatedAtMillis,
    String runId,
    String requestHash,
    String inputFile,
    long inputLine)
    implements Answer, Serializable {

  /** This row with the judge's grade. */
  public Sample withJudge(Integer score, String reason) {
    return new Sample(
        id,
        source,
        taskName,
        templateType,
        questionType,
        systemPromptId,
        systemPrompt,
        question,
        response,
        reasoning,
        referenceAnswer,
        targetCheck,
        targetCheckMethod,
        score,
        reason,
        tier,
        teacherProvider,
        teacherModel,
        servedModel,
        finishReason,
        promptTokens,
        completionTokens,
        reasoningTokens,
        attempts,
        licenseTag,
        commercialUse,
        licenseReasons,
        sourceDataset,
        sourceLicense,
        sourceReviewed,
        generatedAtMillis,
        runId,
        requestHash,
        inputFile,
        inputLine);
  }
}
