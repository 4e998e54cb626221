package dev.orcaset.flan;

import dev.orcaset.model.QuestionType;
import java.util.regex.Pattern;

/**
 * Tells multiple-choice questions from open ones by how FLAN's templates write the choices: a
 * bulleted list under a header that names them ("OPTIONS:", "Options:", "Choose from:", "Pick your
 * answer from:", "Possible answers:"), lettered choices ("(A) … (B) …"), NIv2's "Option1: …
 * Option2: …", or quoted alternatives ("Answer with 'positive' or 'negative'"). A bulleted list
 * under any other header (ingredients, facts) is not a choice.
 */
public final class QuestionTypes {
  private QuestionTypes() {}

  private static final Pattern HEADER =
      Pattern.compile(
          "(?im)^.*\\b(options?|choices?|choose|select|pick|possible answers|answers?)\\b[^\\n]*$");
  private static final Pattern BULLET_LINE =
      Pattern.compile(
          "^\\s*(?:[-+*\u2022]|\\(?[A-Ha-h1-8]\\)|[A-H][.:]|\\((?:i{1,3}|iv|v)\\))\\s*\\S");
  private static final Pattern LETTERED = Pattern.compile("\\(([A-H])\\)");
  private static final Pattern NUMBERED =
      Pattern.compile("\\bOption\\s*1\\s*:.+\\bOption\\s*2\\s*:", Pattern.CASE_INSENSITIVE);
  private static final Pattern QUOTED_OR =
      Pattern.compile(
          "['\"\u2018\u201c][^'\"\u2019\u201d\\n]{1,40}['\"\u2019\u201d]\\s*,?\\s*or\\s*"
              + "['\"\u2018\u201c][^'\"\u2019\u201d\\n]{1,40}['\"\u2019\u201d]");

  public static QuestionType of(String inputs) {
    return isMultipleChoice(inputs) ? QuestionType.MULTIPLE_CHOICE : QuestionType.OPEN;
  }

  static boolean isMultipleChoice(String q) {
    if (NUMBERED.matcher(q).find() || QUOTED_OR.matcher(q).find()) {
      return true;
    }
    long letters = LETTERED.matcher(q).results().map(m -> m.group(1)).distinct().count();
    if (letters >= 2 && q.contains("(A)") && q.contains("(B)")) {
      return true;
    }
    String[] lines = q.split("\n");
    for (int i = 0; i + 2 < lines.length; i++) {
      // A header naming the choices, then at least two bullets (blank lines between allowed).
      if (!HEADER.matcher(lines[i]).matches() || BULLET_LINE.matcher(lines[i]).find()) {
        continue;
      }
      int bullets = 0;
      for (int j = i + 1; j < lines.length; j++) {
        if (BULLET_LINE.matcher(lines[j]).find()) {
          bullets++;
        } else if (!lines[j].isBlank()) {
          break;
        }
      }
      if (bullets >= 2) {
        return true;
      }
    }
    return false;
  }
}
