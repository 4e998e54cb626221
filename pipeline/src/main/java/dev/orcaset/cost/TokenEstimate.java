package dev.orcaset.cost;

/**
 * Tokens estimated from characters, about four characters a token for English text with BPE
 * tokenizers: the one rule of thumb behind `estimate` and the rate limiter's token budget.
 */
public final class TokenEstimate {
  public static final double CHARS_PER_TOKEN = 4.0;

  private TokenEstimate() {}

  public static long fromChars(long chars) {
    return Math.round(chars / CHARS_PER_TOKEN);
  }

  /**
   * What OpenAI's rate limiter charges a request before it runs: its messages' characters at four a
   * token (it does not tokenize, and the JSON around them is not charged) plus the answer tokens
   * `max_tokens` reserves. The client paces by it and the simulated teacher enforces it.
   */
  public static long rateLimitCharge(long messageChars, long maxTokens) {
    return fromChars(messageChars) + maxTokens;
  }
}
