package dev.orcaset.io;

import java.util.regex.Pattern;

/**
 * The patterns of orcaset's policy files. A glob: `*` any text, `?` one character, `|` between
 * alternatives. A value starting with `re:` is a Java regular expression instead, for model names a
 * glob cannot pin down (`re:qwen2\.5-(7|14)b.*`). Both are case-insensitive and match the whole
 * value.
 */
public final class Globs {
  public static final String REGEX_PREFIX = "re:";

  private Globs() {}

  public static boolean matches(String glob, String value) {
    return value != null && compile(glob).matcher(value).matches();
  }

  /**
   * @throws java.util.regex.PatternSyntaxException for a `re:` pattern that is not a valid regex
   */
  public static Pattern compile(String glob) {
    if (glob.startsWith(REGEX_PREFIX)) {
      return Pattern.compile(
          glob.substring(REGEX_PREFIX.length()), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }
    StringBuilder re = new StringBuilder();
    for (String alternative : glob.split("\\|", -1)) {
      if (re.length() > 0) {
        re.append('|');
      }
      for (char c : alternative.toCharArray()) {
        switch (c) {
          case '*' -> re.append(".*");
          case '?' -> re.append('.');
          default -> re.append(Pattern.quote(String.valueOf(c)));
        }
      }
    }
    return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }
}
