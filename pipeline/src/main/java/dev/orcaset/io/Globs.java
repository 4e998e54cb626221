package dev.orcaset.io;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The globs of orcaset's policy files: `*` any text, `?` one character, `|` between
 * alternatives; case-insensitive, matching the whole value.
 */
public final class Globs {
  private Globs() {}

  public static boolean matches(String glob, String value) {
    return value != null && compile(glob).matcher(value.toLowerCase(Locale.ROOT)).matches();
  }

  public static Pattern compile(String glob) {
    StringBuilder re = new StringBuilder();
    for (String alternative : glob.toLowerCase(Locale.ROOT).split("\\|", -1)) {
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
    return Pattern.compile(re.toString());
  }
}
