package dev.orcaset.flan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options a FLAN question lists, in the shapes its templates write them: a bulleted list after
 * "OPTIONS:" ("- yes", "+ no", "(A) …", "B) …", "(i) …"), letters inline ("(A) red (B) blue"),
 * NIv2's "Option1: glass Option2: water", and quoted alternatives ("Answer with 'positive' or
 * 'negative'").
 */
public record Options(List<Option> list) {

  /** One option; {@code label} is its letter or number ("B", "2"), empty for a plain bullet. */
  public record Option(String label, String text) {}

  private static final Pattern BULLET =
      Pattern.compile(
          "^\\s*(?:[-+*\u2022]\\s*|\\(([A-Ha-h1-8])\\)\\s*|([A-H1-8])[).:]\\s+"
              + "|\\((?:i{1,3}|iv|v|vi{1,3})\\)\\s*)(\\S.*)$");
  private static final Pattern INLINE_LETTER =
      Pattern.compile("\\(([A-H])\\)\\s*([^()\\n]+?)\\s*(?=\\([A-H]\\)|\\n|$)");
  private static final Pattern NUMBERED =
      Pattern.compile(
          "\\bOption\\s*([1-8])\\s*:\\s*(.+?)\\s*(?=\\bOption\\s*[1-8]\\s*:|\\(|\\n|$)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern QUOTED =
      Pattern.compile("['\"\u2018\u201c]([^'\"\u2019\u201d\\n]{1,40})['\"\u2019\u201d]");
  private static final Pattern TARGET_LETTER = Pattern.compile("^\\(?([A-H1-8])\\)?[.:]?$");
  private static final Pattern TARGET_LETTER_AND_TEXT =
      Pattern.compile("^\\(([A-H1-8])\\)\\s*(.+)$");

  /** Every option list the question holds, last first: options usually close a question. */
  public static List<Options> in(String question) {
    List<Options> found = new ArrayList<>();
    String[] lines = question.split("\n");
    List<Option> block = new ArrayList<>();
    for (String line : lines) {
      Matcher b = BULLET.matcher(line);
      if (b.matches()) {
        String label = b.group(1) != null ? b.group(1) : b.group(2) != null ? b.group(2) : "";
        block.add(new Option(label.toUpperCase(Locale.ROOT), b.group(3).strip()));
      } else {
        addIfList(found, block);
        block = new ArrayList<>();
      }
    }
    addIfList(found, block);
    addIfList(found, matches(INLINE_LETTER, question));
    addIfList(found, matches(NUMBERED, question));
    for (String line : lines) {
      if (line.contains(" or ")) {
        List<Option> quoted = new ArrayList<>();
        Matcher q = QUOTED.matcher(line);
        while (q.find()) {
          quoted.add(new Option("", q.group(1).strip()));
        }
        addIfList(found, quoted);
      }
    }
    Collections.reverse(found);
    return List.copyOf(found);
  }

  private static List<Option> matches(Pattern p, String text) {
    List<Option> out = new ArrayList<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      out.add(new Option(m.group(1).toUpperCase(Locale.ROOT), m.group(2).strip()));
    }
    return out;
  }

  private static void addIfList(List<Options> found, List<Option> options) {
    if (options.size() >= 2) {
      found.add(new Options(List.copyOf(options)));
    }
  }

  /** The option a target names, by its letter ("B", "(B)", "(B) glass") or its text. */
  public Optional<Option> named(String target) {
    String t = target.strip();
    Matcher letter = TARGET_LETTER.matcher(t);
    Matcher both = TARGET_LETTER_AND_TEXT.matcher(t);
    String label = letter.matches() ? letter.group(1) : both.matches() ? both.group(1) : null;
    if (label != null) {
      for (Option o : list) {
        if (o.label().equalsIgnoreCase(label)) {
          return Optional.of(o);
        }
      }
    }
    String words = words(t);
    return list.stream().filter(o -> words(o.text()).equals(words)).findFirst();
  }

  /**
   * The option a statement chooses: the one it mentions first, by letter ("(B)", "B)", "option B")
   * or by its whole text, the longest when two start at one place ("it is not possible to tell"
   * over "no"). With {@code atStart}, only an option the statement opens with, and names alone,
   * counts.
   */
  public Optional<Option> chosenIn(String statement, boolean atStart) {
    String plain = " " + words(statement) + " ";
    Option best = null;
    int bestAt = Integer.MAX_VALUE;
    int bestLength = 0;
    int mentioned = 0;
    for (Option o : list) {
      int at = Integer.MAX_VALUE;
      String text = words(o.text());
      if (!text.isEmpty()) {
        int i = plain.indexOf(" " + text + " ");
        at = i < 0 ? at : i;
      }
      if (!o.label().isEmpty()) {
        Matcher m = letterMention(o.label()).matcher(statement);
        if (m.find()) {
          at = Math.min(at, plainOffset(statement, m.start()));
        }
      }
      mentioned += at == Integer.MAX_VALUE ? 0 : 1;
      if (at < bestAt || (at == bestAt && text.length() > bestLength)) {
        best = o;
        bestAt = at;
        bestLength = text.length();
      }
    }
    // An opening sentence that lists several options ("Oxygen, carbon dioxide and helium are
    // gases") is not an answer.
    if (best == null || bestAt == Integer.MAX_VALUE || (atStart && (bestAt > 0 || mentioned > 1))) {
      return Optional.empty();
    }
    return Optional.of(best);
  }

  private static Pattern letterMention(String label) {
    String l = Pattern.quote(label);
    return Pattern.compile(
        "\\("
            + l
            + "\\)|(?<![\\p{L}\\p{N}])"
            + l
            + "\\)|\\b(?i:option|choice)\\s*"
            + l
            + "\\b"
            + "|^\\W*"
            + l
            + "(?:[.:]|\\s*$|\\s+-)",
        label.chars().allMatch(Character::isDigit) ? Pattern.CASE_INSENSITIVE : 0);
  }

  /**
   * Lower case, typographic quotes made plain, every run of other punctuation one space,
   * apostrophes dropped ("can't" is "cant"): the form options, labels and spans are compared in.
   */
  public static String words(String text) {
    return text.toLowerCase(Locale.ROOT)
        .replace('\u2019', '\'')
        .replace("'", "")
        .replaceAll("[^\\p{L}\\p{N}]+", " ")
        .strip();
  }

  /**
   * Where raw offset {@code at} falls in the plain-words form, so mentions of both kinds compare.
   */
  private static int plainOffset(String statement, int at) {
    String before = words(statement.substring(0, at));
    return before.isEmpty() ? 0 : before.length() + 1;
  }
}
