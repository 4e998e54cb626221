package dev.orcaset.quality;

import dev.orcaset.model.DropReason;
import dev.orcaset.model.Sample;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Refusals and assistant boilerplate ("As an AI language model…") teach a student to refuse or to
 * talk about itself instead of answering. Phrases match case-insensitively anywhere, with curly
 * apostrophes read as straight ones.
 */
public record RefusalRule(List<String> phrases) implements QualityRule {

  public RefusalRule {
    phrases = phrases.stream().map(RefusalRule::normalize).toList();
  }

  @Override
  public DropReason reason() {
    return DropReason.REFUSAL;
  }

  @Override
  public Optional<String> check(Sample s) {
    String text = normalize(s.response());
    for (String phrase : phrases) {
      if (text.contains(phrase)) {
        return Optional.of("contains \"" + phrase + "\"");
      }
    }
    return Optional.empty();
  }

  private static String normalize(String s) {
    return s == null
        ? ""
        : s.toLowerCase(Locale.ROOT).replace('\u2019', '\'').replaceAll("\\s+", " ");
  }
}
