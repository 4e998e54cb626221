package dev.orcaset.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One entry of a task filter (`include_tasks`, `exclude_tasks`, or a task list file): a pattern on
 * FLAN's `task_name`, a glob ({@code race_high_*}, {@code ?} one character) or, after {@code re:},
 * a Java regular expression, matched whole and ignoring case. In a config it may be just the
 * pattern; a list file also says which {@code benchmark} the tasks come from and the {@code source}
 * that says so, and both reach the reason of every row it leaves out.
 */
public record TaskRule(String pattern, String benchmark, String source) implements Serializable {
  public static final String REGEX = "re:";

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static TaskRule of(String pattern) {
    return new TaskRule(pattern, null, null);
  }

  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  public static TaskRule of(
      @JsonProperty("pattern") String pattern,
      @JsonProperty("benchmark") String benchmark,
      @JsonProperty("source") String source) {
    return new TaskRule(pattern, benchmark, source);
  }

  /** The pattern as a regular expression; throws on a bad {@code re:} one. */
  public Pattern compile() throws PatternSyntaxException {
    String regex =
        pattern.startsWith(REGEX) ? pattern.substring(REGEX.length()) : globToRegex(pattern);
    return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }

  private static String globToRegex(String glob) {
    StringBuilder b = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> b.append(".*");
        case '?' -> b.append('.');
        default -> b.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return b.toString();
  }

  /** How a reason names it: the pattern, and where its tasks come from when the list says. */
  public String describe() {
    String from =
        benchmark == null ? "" : " (" + benchmark + (source == null ? "" : "; " + source) + ")";
    return "'" + pattern + "'" + from;
  }
}
