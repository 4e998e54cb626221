package dev.orcaset.model;

import java.io.Serializable;

/**
 * A teacher's answer: the assistant content exactly as received, why generation stopped, token
 * usage as the server reported it, the model that actually served it, and how many HTTP attempts it
 * took. {@code reasoning} is the reasoning a server returned beside the content ({@code
 * reasoning_content} on DeepSeek and vLLM, Anthropic's thinking blocks), null when it sent none;
 * {@code reasoningTokens} the part of the completion tokens spent on it, where reported (OpenAI's
 * reasoning models report the count and keep the text hidden).
 */
public record ChatCompletion(
    String content,
    String finishReason,
    long promptTokens,
    long completionTokens,
    String servedModel,
    int attempts,
    String reasoning,
    long reasoningTokens)
    implements Serializable {}
