package dev.orcaset.flan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orcaset.TestRuns;
import dev.orcaset.model.QuestionType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The question-type detector on labelled questions: every input of the bundled sample (labelled by
 * its template) and written ones in FLAN's other choice formats, with lists that are not choices
 * (ingredients, facts, steps). The README quotes the confusion counts this prints.
 */
class QuestionTypesTest {

  @Test
  void detectsMultipleChoiceByTheTemplatesChoiceFormats() throws IOException {
    Map<String, long[]> confusion = new TreeMap<>(); // source/truth → [said mc, said open]
    List<String> wrong = new ArrayList<>();
    for (JsonNode r : TestRuns.resourceLines("/question-types/labelled.jsonl")) {
      QuestionType said = QuestionTypes.of(r.get("inputs").asText());
      String truth = r.get("type").asText();
      confusion
          .computeIfAbsent(r.get("source").asText() + " " + truth, k -> new long[2])[
          said.ordinal()]++;
      if (!said.wireName().equals(truth)) {
        wrong.add(truth + " read as " + said.wireName() + ": " + r.get("inputs").asText());
      }
    }
    confusion.forEach(
        (k, n) ->
            System.out.printf(
                "question type, %-24s read as multiple_choice %d, open %d%n", k, n[0], n[1]));
    assertEquals(List.of(), wrong);
    assertEquals(53, confusion.get("bundled multiple_choice")[0]);
    assertEquals(104, confusion.get("bundled open")[1]);
    assertEquals(11, confusion.get("written multiple_choice")[0]);
    assertEquals(13, confusion.get("written open")[1]);
  }
}
