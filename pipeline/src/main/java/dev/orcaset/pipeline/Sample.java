package dev.orcaset.pipeline;

import dev.orcaset.license.LicenseTag;
import java.io.Serializable;
import java.util.List;

/**
 * One dataset row, as written to Parquet. {@code question} is exactly the user message sent and
 * {@code response} exactly the assistant content received; {@code runId} names the run that paid
 * for the answer (a later run may reuse it from the journal). License fields are null until
 * {@link TagLicense} fills them.
 */
public record Sample(
    String id,
    String source,
    String taskName,
    String templateType,
    int systemPromptId,
    String systemPrompt,
    String question,
    String response,
    String referenceAnswer,
    String teacherProvider,
    String teacherModel,
    String servedModel,
    String finishReason,
    long promptTokens,
    long completionTokens,
    int attempts,
    String licenseTag,
    Boolean commercialUse,
    List<String> licenseReasons,
    long generatedAtMillis,
    String runId,
    String requestHash,
    String inputFile,
    long inputLine)
    implements Serializable {

  public Sample withLicense(LicenseTag tag) {
    return new Sample(id, source, taskName, templateType, systemPromptId, systemPrompt, question,
        response, referenceAnswer, teacherProvider, teacherModel, servedModel, finishReason,
        promptTokens, completionTokens, attempts, tag.tag(), tag.commercialUse(), tag.reasons(),
        generatedAtMillis, runId, requestHash, inputFile, inputLine);
  }
}
