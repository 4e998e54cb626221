package dev.orcaset.model;

import java.io.Serializable;

/**
 * A teacher's answer: the assistant content exactly as received, why generation stopped, token
 * usage as the server reported it, the model that actually served it, and how many HTTP attempts it
 * took.
 */
public record ChatCompletion(
    String content,
    String finishReason,
    long promptTokens,
    long completionTokens,
    String servedModel,
    int attempts)
    implements Serializable {}
