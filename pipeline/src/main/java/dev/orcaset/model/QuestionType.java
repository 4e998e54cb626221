package dev.orcaset.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What kind of question a FLAN input is: one that lists the answers to choose from, or an open one.
 * Prompts that ask to rule out the other choices are given only to the first kind.
 */
public enum QuestionType {
  MULTIPLE_CHOICE,
  OPEN;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
