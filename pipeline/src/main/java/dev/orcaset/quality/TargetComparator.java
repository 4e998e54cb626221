package dev.orcaset.quality;

import dev.orcaset.flan.Options;
import dev.orcaset.model.TargetCheck;
import dev.orcaset.model.TargetCheck.Method;
import dev.orcaset.model.TargetCheck.Verdict;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks an answer against FLAN's target with the comparator the target calls for: an option the
 * question lists, a yes/no or NLI label, a number, a short span; anything else is not checked. Each
 * reads the answer's final statement ({@link FinalAnswer}), never the options its reasoning weighs
 * on the way. It says {@code mismatch} only when the answer plainly states something else; an
 * answer whose conclusion it cannot read stays {@code unchecked}, because a mismatch drops a paid
 * row.
 */
public final class TargetComparator {
  /** Token F1 (SQuAD's measure, on content words) at or above which a span is the same answer. */
  public static final double SPAN_MIN_F1 = 0.8;

  /** Token F1 below which a marked final answer is a different answer. */
  public static final double SPAN_MISMATCH_F1 = 0.6;

  /** Targets of more words than this are free text (summaries, translations), not spans. */
  static final int SPAN_MAX_WORDS = 8;

  private TargetComparator() {}

  public static TargetCheck check(String question, String response, String target) {
    if (target == null || target.isBlank() || response == null || response.isBlank()) {
      return TargetCheck.NONE;
    }
    String want = FinalAnswer.ofTarget(target);
    List<FinalAnswer> said = FinalAnswer.of(response);
    for (Options options : Options.in(question == null ? "" : question)) {
      Optional<Options.Option> wanted = options.named(want);
      if (wanted.isPresent()) {
        return byOption(options, wanted.get(), said);
      }
    }
    Optional<Label> label = Label.of(want);
    if (label.isPresent()) {
      return byLabel(label.get(), want, said);
    }
    Optional<BigDecimal> number = Numbers.target(want);
    if (number.isPresent()) {
      return byNumber(number.get(), want, said);
    }
    String plain = Options.words(want);
    int words = plain.isEmpty() ? 0 : plain.split(" ").length;
    if (words >= 1 && words <= SPAN_MAX_WORDS && !spanWords(want).isEmpty()) {
      return bySpan(want, response, said);
    }
    return TargetCheck.NONE;
  }

  private static TargetCheck byOption(
      Options options, Options.Option wanted, List<FinalAnswer> said) {
    for (FinalAnswer f : said) {
      Optional<Options.Option> chosen =
          options.chosenIn(f.text(), f.place() == FinalAnswer.Place.LEADING);
      if (chosen.isPresent()) {
        return verdict(
            chosen.get().equals(wanted), Method.OPTION, show(chosen.get()), show(wanted));
      }
    }
    // "It's impossible to say" for the option "it is not possible to tell".
    Optional<Label> label = Label.of(wanted.text());
    return label.isPresent()
        ? byLabel(label.get(), wanted.text(), said)
        : unchecked(Method.OPTION, show(wanted));
  }

  private static TargetCheck byLabel(Label wanted, String want, List<FinalAnswer> said) {
    for (FinalAnswer f : said) {
      Optional<Label> stated = Label.in(f.text(), f.place() == FinalAnswer.Place.LEADING);
      if (stated.isPresent()) {
        return verdict(stated.get() == wanted, Method.LABEL, f.text(), want);
      }
    }
    return unchecked(Method.LABEL, want);
  }

  private static TargetCheck byNumber(BigDecimal wanted, String want, List<FinalAnswer> said) {
    for (FinalAnswer f : said) {
      Optional<BigDecimal> stated =
          switch (f.place()) {
            case MARKED -> Numbers.stated(f.text());
            // "First, 12 × 5 = 60." opens the working, not the answer.
            case LEADING -> Numbers.target(f.text());
            case CONCLUDING -> Numbers.only(f.text());
          };
      if (stated.isPresent()) {
        return verdict(
            stated.get().compareTo(wanted) == 0,
            Method.NUMBER,
            stated.get().toPlainString(),
            wanted.toPlainString());
      }
    }
    return unchecked(Method.NUMBER, want);
  }

  /**
   * A span matches when one holds all the other's content words ("The Atlantic." for "the Atlantic
   * Ocean") or their token F1 reaches {@link #SPAN_MIN_F1}. It mismatches under a marker ("The
   * answer is …") whose F1 is below {@link #SPAN_MISMATCH_F1}, or as a bare answer sharing no word
   * with the target. Otherwise an answer may word it any way: unchecked.
   */
  private static TargetCheck bySpan(String want, String response, List<FinalAnswer> said) {
    List<String> target = spanWords(want);
    for (FinalAnswer f : said) {
      List<String> stated = spanWords(f.text());
      if (sameSpan(stated, target)) {
        return verdict(true, Method.SPAN, f.text(), want);
      }
      if (f.place() == FinalAnswer.Place.MARKED && f1(stated, target) < SPAN_MISMATCH_F1) {
        return verdict(false, Method.SPAN, f.text(), want);
      }
    }
    List<String> whole = spanWords(response);
    if (whole.size() <= target.size() + 2) {
      // A bare span for an answer ("Physics and chemistry.") is its own statement.
      if (sameSpan(whole, target) || common(whole, target) == 0) {
        return verdict(sameSpan(whole, target), Method.SPAN, response.strip(), want);
      }
    }
    return unchecked(Method.SPAN, want);
  }

  private static boolean sameSpan(List<String> stated, List<String> target) {
    int common = common(stated, target);
    return !stated.isEmpty()
        && (common == stated.size()
            || common == target.size()
            || f1(stated, target) >= SPAN_MIN_F1);
  }

  private static TargetCheck verdict(boolean match, Method m, String answer, String target) {
    return new TargetCheck(match ? Verdict.MATCH : Verdict.MISMATCH, m, answer, target);
  }

  private static TargetCheck unchecked(Method m, String target) {
    return new TargetCheck(Verdict.UNCHECKED, m, "", target);
  }

  private static String show(Options.Option o) {
    return o.label().isEmpty() ? o.text() : "(" + o.label() + ") " + o.text();
  }

  /** Words that carry no answer: "medicine and physics" shares only "physics" with the target. */
  private static final Set<String> FUNCTION_WORDS =
      Set.of(
          "a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "into", "from", "for", "by",
          "with", "it", "its", "is", "are", "was", "were", "be", "this", "that", "as");

  /** SQuAD's normal form without function words: the plain content words. */
  static List<String> spanWords(String text) {
    List<String> out = new ArrayList<>();
    for (String w : Options.words(text).split(" ")) {
      if (!w.isEmpty() && !FUNCTION_WORDS.contains(w)) {
        out.add(w);
      }
    }
    return out;
  }

  static double f1(List<String> stated, List<String> target) {
    int common = common(stated, target);
    if (common == 0) {
      return 0;
    }
    double p = common / (double) stated.size();
    double r = common / (double) target.size();
    return 2 * p * r / (p + r);
  }

  private static int common(List<String> a, List<String> b) {
    Map<String, Integer> counts = new HashMap<>();
    a.forEach(w -> counts.merge(w, 1, Integer::sum));
    int common = 0;
    for (String w : b) {
      Integer n = counts.get(w);
      if (n != null && n > 0) {
        counts.put(w, n - 1);
        common++;
      }
    }
    return common;
  }

  /** yes / no / can't tell, with the words FLAN's templates and NLI datasets use for each. */
  enum Label {
    YES,
    NO,
    UNKNOWN;

    private static final List<String> UNKNOWN_PHRASES =
        phrases(
            "it is not possible to tell",
            "not possible to tell",
            "it is impossible to tell",
            "impossible to tell",
            "it is impossible to say",
            "impossible to say",
            "it's not possible to say",
            "not possible to say",
            "cannot be determined",
            "can't be determined",
            "can not be determined",
            "not enough information",
            "cannot tell",
            "can't tell",
            "neutral",
            "maybe",
            "unknown",
            "undetermined");
    private static final List<String> NO_PHRASES =
        phrases("not entailment", "not_entailment", "does not entail", "doesn't entail");
    private static final Map<String, Label> WORDS =
        Map.of(
            "yes", YES,
            "true", YES,
            "entailment", YES,
            "entails", YES,
            "correct", YES,
            "no", NO,
            "false", NO,
            "contradiction", NO,
            "contradicts", NO,
            "incorrect", NO);
    private static final Set<String> NEGATIONS =
        Set.of("not", "never", "cannot", "cant", "isnt", "doesnt", "dont", "wont", "arent");
    private static final Pattern LEADS =
        Pattern.compile(
            "^\\W*(yes|no|true|false)(?:\\s*[,.!:;\\-\u2013\u2014)]|\\W*$)",
            Pattern.CASE_INSENSITIVE);

    /** The label a target is, when it is nothing but one. */
    static Optional<Label> of(String target) {
      String w = Options.words(target);
      if (UNKNOWN_PHRASES.contains(w)) {
        return Optional.of(UNKNOWN);
      }
      if (NO_PHRASES.contains(w)) {
        return Optional.of(NO);
      }
      return Optional.ofNullable(WORDS.get(w));
    }

    /**
     * The label a statement gives: the one it opens with ("No, because …"), else a can't-tell
     * phrase, else a single yes-or-no word with no negation beside it. With {@code atStart}, only
     * the opening counts.
     */
    static Optional<Label> in(String statement, boolean atStart) {
      Matcher lead = LEADS.matcher(statement);
      if (lead.find()) {
        return Optional.of(WORDS.get(lead.group(1).toLowerCase(java.util.Locale.ROOT)));
      }
      String plain = " " + Options.words(statement) + " ";
      if (atStart) {
        return UNKNOWN_PHRASES.stream().anyMatch(p -> plain.startsWith(" " + p + " "))
            ? Optional.of(UNKNOWN)
            : Optional.empty();
      }
      if (UNKNOWN_PHRASES.stream().anyMatch(p -> plain.contains(" " + p + " "))) {
        return Optional.of(UNKNOWN);
      }
      if (NO_PHRASES.stream().anyMatch(p -> plain.contains(" " + p + " "))) {
        return Optional.of(NO);
      }
      Set<Label> found = java.util.EnumSet.noneOf(Label.class);
      boolean negated = false;
      for (String w : plain.strip().split(" ")) {
        Label l = WORDS.get(w);
        if (l != null) {
          found.add(l);
        }
        negated |= NEGATIONS.contains(w);
      }
      if (found.size() != 1 || (negated && found.contains(YES))) {
        return Optional.empty();
      }
      return Optional.of(found.iterator().next());
    }

    private static List<String> phrases(String... raw) {
      List<String> out = new ArrayList<>();
      for (String r : raw) {
        out.add(Options.words(r));
      }
      return List.copyOf(out);
    }
  }

  /** Numbers as answers state them: "1,234", "$5", "12.5%", "-3". */
  static final class Numbers {
    private static final Pattern NUMBER =
        Pattern.compile(
            "(?<![\\p{L}\\p{N}.])-?\\$?(\\d{1,3}(?:,\\d{3})+|\\d+)(\\.\\d+)?(?![\\p{L}\\p{N}]|\\.\\d)");
    private static final Pattern ONLY_NUMBER =
        Pattern.compile("^\\W*-?\\$?[\\d,]+(?:\\.\\d+)?\\s*%?\\s*(?:[\\p{L}]+\\s*){0,2}\\W*$");

    private Numbers() {}

    /** A target that is a number, alone or with a unit ("94", "$1,200", "12 apples"). */
    static Optional<BigDecimal> target(String want) {
      return ONLY_NUMBER.matcher(want).matches() ? only(want) : Optional.empty();
    }

    /** The number a marked statement gives: after its last "=", else the first. */
    static Optional<BigDecimal> stated(String statement) {
      int eq = statement.lastIndexOf('=');
      List<BigDecimal> all = all(eq < 0 ? statement : statement.substring(eq + 1));
      return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    /** The number of a statement that holds exactly one (after its last "=", if any). */
    static Optional<BigDecimal> only(String statement) {
      int eq = statement.lastIndexOf('=');
      List<BigDecimal> all = all(eq < 0 ? statement : statement.substring(eq + 1));
      return all.size() == 1 ? Optional.of(all.get(0)) : Optional.empty();
    }

    private static List<BigDecimal> all(String text) {
      List<BigDecimal> out = new ArrayList<>();
      Matcher m = NUMBER.matcher(text);
      while (m.find()) {
        String digits = m.group().replace("$", "").replace(",", "");
        out.add(new BigDecimal(digits));
      }
      return out;
    }
  }
}
