package dev.orcaset.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an explained answer states its conclusion. Reasoning mentions every option and number on
 * the way; only the final statement counts. Three places, most trusted first: after the last
 * explicit marker ("The answer is", "Answer:", GSM8K's "####", {@code \boxed{}}); else the first
 * sentence when the answer leads with it ("Yes, because …"); else a last sentence that concludes
 * ("So …", "Therefore …"), or its closing clause (", so the review is negative.").
 */
record FinalAnswer(String text, Place place) {

  /** How the statement was found; comparators trust a marked one most. */
  enum Place {
    MARKED,
    LEADING,
    CONCLUDING
  }

  private static final Pattern MARKER =
      Pattern.compile(
          "####|\\\\boxed\\{"
              + "|\\bfinal answer\\b(?:\\s+is\\b)?\\s*[:\\-]?"
              + "|\\banswer\\s+(?:is|would be|will be|should be)\\b\\s*:?"
              + "|(?m:^)[\\s*#]*answer\\s*\\**\\s*:"
              + "|\\b(?:correct|right|best)\\s+(?:option|choice)\\s+is\\b\\s*:?",
          Pattern.CASE_INSENSITIVE);

  private static final Pattern SENTENCE_END = Pattern.compile("\\n|[.!?](?=\\s|$)");

  private static final Pattern CONCLUDES =
      Pattern.compile(
          "^\\W*(?:so|thus|therefore|hence|in conclusion|in total|altogether|overall|that means"
              + "|this means|which means|the result is)\\b",
          Pattern.CASE_INSENSITIVE);

  private static final Pattern CONCLUDING_CLAUSE =
      Pattern.compile(
          "(?:[,;:]\\s*|\\band\\s+)((?:so|thus|therefore|hence)\\b)", Pattern.CASE_INSENSITIVE);

  /** The statement after the last marker that is followed by something, if any. */
  static FinalAnswer marked(String text) {
    Matcher m = MARKER.matcher(text);
    FinalAnswer last = null;
    while (m.find()) {
      String rest = text.substring(m.end());
      String stated =
          m.group().startsWith("\\boxed")
              ? upTo(rest, rest.indexOf('}'))
              : m.group().equals("####") ? upTo(rest, rest.indexOf('\n')) : sentence(rest);
      if (!stated.isBlank()) {
        last = new FinalAnswer(stated.strip(), Place.MARKED);
      }
    }
    return last;
  }

  /** Where to look for the answer's conclusion, most trusted first. */
  static List<FinalAnswer> of(String response) {
    FinalAnswer marked = marked(response);
    if (marked != null) {
      return List.of(marked);
    }
    List<FinalAnswer> places = new ArrayList<>();
    String first = sentence(response.strip());
    if (!first.isBlank()) {
      places.add(new FinalAnswer(first.strip(), Place.LEADING));
    }
    List<String> sentences = sentences(response);
    if (!sentences.isEmpty()) {
      String last = sentences.get(sentences.size() - 1);
      Matcher clause = CONCLUDING_CLAUSE.matcher(last);
      int from = -1;
      while (clause.find()) {
        from = clause.start(1);
      }
      if (CONCLUDES.matcher(last).find()) {
        places.add(new FinalAnswer(last.strip(), Place.CONCLUDING));
      } else if (from >= 0) {
        // "Both are bad experiences, so the review is negative."
        places.add(new FinalAnswer(last.substring(from).strip(), Place.CONCLUDING));
      }
    }
    return places;
  }

  /** A target's own final answer: FLAN's CoT targets end "… The answer is 94." */
  static String ofTarget(String target) {
    FinalAnswer marked = marked(target);
    return marked == null ? target.strip() : marked.text();
  }

  private static String sentence(String text) {
    Matcher end = SENTENCE_END.matcher(text);
    return end.find() ? text.substring(0, end.end()).strip() : text.strip();
  }

  private static List<String> sentences(String text) {
    List<String> out = new ArrayList<>();
    Matcher end = SENTENCE_END.matcher(text);
    int from = 0;
    while (end.find()) {
      String s = text.substring(from, end.end()).strip();
      if (!s.isEmpty() && s.chars().anyMatch(Character::isLetterOrDigit)) {
        out.add(s);
      }
      from = end.end();
    }
    String tail = text.substring(from).strip();
    if (!tail.isEmpty() && tail.chars().anyMatch(Character::isLetterOrDigit)) {
      out.add(tail);
    }
    return out;
  }

  private static String upTo(String text, int end) {
    return end < 0 ? text : text.substring(0, end);
  }
}
