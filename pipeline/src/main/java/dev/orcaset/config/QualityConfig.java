package dev.orcaset.config;

import java.io.Serializable;
import java.util.List;

/**
 * `quality`: the named gates an answer must pass to become a sample. Each rule can be turned off
 * ({@code enabled: false}); {@code wrongAnswer} drops answers whose final answer disagrees with
 * FLAN's target (see {@code TargetComparator}); rows a rule drops are counted under `filtered` with
 * the rule's name and kept, whole, in `OUTPUT/filtered/`. {@code nearDuplicateInput} runs before
 * the teacher (it saves money) and is off by default. {@code judge} grades answers with a second
 * model (see {@link JudgeConfig}); off unless a judge is named.
 */
public record QualityConfig(
    FinishReason finishReason,
    Toggle emptyResponse,
    Refusal refusal,
    NoExplanation noExplanation,
    TooShort tooShort,
    Toggle wrongAnswer,
    Toggle duplicateResponse,
    NearDuplicateInput nearDuplicateInput,
    JudgeConfig judge)
    implements Serializable {

  /**
   * Stop reasons that mean the model finished its answer, across OpenAI, vLLM, TGI and Anthropic.
   */
  public static final List<String> FINISHED =
      List.of("stop", "eos_token", "stop_sequence", "end_turn");

  /**
   * Openings of refusals and assistant boilerplate, matched case-insensitively anywhere in a
   * response.
   */
  public static final List<String> REFUSALS =
      List.of(
          "as an ai language model",
          "as a large language model",
          "as an ai developed by",
          "i cannot help with",
          "i can't help with",
          "i cannot assist with",
          "i can't assist with",
          "i'm sorry, but i can't",
          "i'm sorry, but i cannot",
          "i am sorry, but i cannot",
          "i'm unable to help",
          "i am unable to help",
          "i'm not able to help",
          "i cannot fulfill",
          "i can't fulfill",
          "i cannot provide assistance");

  public QualityConfig {
    finishReason = finishReason == null ? new FinishReason(null, null) : finishReason;
    emptyResponse = emptyResponse == null ? new Toggle(null) : emptyResponse;
    refusal = refusal == null ? new Refusal(null, null) : refusal;
    noExplanation = noExplanation == null ? new NoExplanation(null, null) : noExplanation;
    tooShort = tooShort == null ? new TooShort(null, null) : tooShort;
    wrongAnswer = wrongAnswer == null ? new Toggle(null) : wrongAnswer;
    duplicateResponse = duplicateResponse == null ? new Toggle(null) : duplicateResponse;
    nearDuplicateInput =
        nearDuplicateInput == null ? new NearDuplicateInput(null, null) : nearDuplicateInput;
    judge = judge == null ? JudgeConfig.off() : judge;
  }

  public QualityConfig withJudge(JudgeConfig j) {
    return new QualityConfig(
        finishReason,
        emptyResponse,
        refusal,
        noExplanation,
        tooShort,
        wrongAnswer,
        duplicateResponse,
        nearDuplicateInput,
        j);
  }

  public static QualityConfig defaults() {
    return new QualityConfig(null, null, null, null, null, null, null, null, null);
  }

  /** A rule with nothing to set but whether it runs. On by default. */
  public record Toggle(Boolean enabled) implements Serializable {
    public Toggle {
      enabled = enabled == null || enabled;
    }
  }

  /**
   * `finish_reason`: drop answers that did not finish (cut at max_tokens, stopped by a content
   * filter).
   */
  public record FinishReason(Boolean enabled, List<String> allowed) implements Serializable {
    public FinishReason {
      enabled = enabled == null || enabled;
      allowed = allowed == null ? FINISHED : List.copyOf(allowed);
    }
  }

  /**
   * `refusal`: drop refusals and assistant boilerplate; {@code phrases} replaces the built-in list.
   */
  public record Refusal(Boolean enabled, List<String> phrases) implements Serializable {
    public Refusal {
      enabled = enabled == null || enabled;
      phrases = phrases == null ? REFUSALS : List.copyOf(phrases);
    }
  }

  /**
   * `no_explanation`: when the system prompt asked for reasoning (it is not empty), drop a bare
   * answer: at most {@code maxWords} words, or just the reference answer restated.
   */
  public record NoExplanation(Boolean enabled, Integer maxWords) implements Serializable {
    public NoExplanation {
      enabled = enabled == null || enabled;
      maxWords = maxWords == null ? 3 : maxWords;
    }
  }

  /**
   * `too_short`: drop answers of fewer than {@code minTokens} completion tokens, whatever the
   * prompt.
   */
  public record TooShort(Boolean enabled, Integer minTokens) implements Serializable {
    public TooShort {
      enabled = enabled == null || enabled;
      minTokens = minTokens == null ? 3 : minTokens;
    }
  }

  /**
   * `near_duplicate_input`: before the teacher, drop inputs whose word 3-grams overlap an earlier
   * kept input's by at least {@code threshold} (Jaccard similarity, estimated by MinHash).
   */
  public record NearDuplicateInput(Boolean enabled, Double threshold) implements Serializable {
    public NearDuplicateInput {
      enabled = enabled != null && enabled;
      threshold = threshold == null ? 0.9 : threshold;
    }
  }
}
