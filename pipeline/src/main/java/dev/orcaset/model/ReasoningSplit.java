package dev.orcaset.model;

/**
 * A teacher's answer as the dataset keeps it: the reasoning apart from the answer. A server that
 * returns the reasoning in its own field keeps the content as the answer; a reasoning model served
 * raw (DeepSeek-R1, Qwen3 thinking, on vLLM without a reasoning parser) puts it first in the
 * content, inside {@code <think>…</think>}, or (when the chat template opened the tag) before a
 * lone {@code </think>}. The journal keeps the content exactly as received; this split is made
 * again from it on every run.
 */
public record ReasoningSplit(String reasoning, String response) {
  private static final String OPEN = "<think>";
  private static final String CLOSE = "</think>";

  public static ReasoningSplit of(ChatCompletion a) {
    String content = a.content() == null ? "" : a.content();
    if (a.reasoning() != null) {
      return new ReasoningSplit(a.reasoning(), content);
    }
    String lead = content.stripLeading();
    int close = content.indexOf(CLOSE);
    if (lead.startsWith(OPEN)) {
      int start = content.indexOf(OPEN) + OPEN.length();
      if (close < 0) {
        // cut off while still thinking: all of it is reasoning, there is no answer
        return new ReasoningSplit(content.substring(start).strip(), "");
      }
      return new ReasoningSplit(
          content.substring(start, close).strip(),
          content.substring(close + CLOSE.length()).strip());
    }
    if (close >= 0 && !content.substring(0, close).contains(OPEN)) {
      return new ReasoningSplit(
          content.substring(0, close).strip(), content.substring(close + CLOSE.length()).strip());
    }
    return new ReasoningSplit(null, content);
  }
}
