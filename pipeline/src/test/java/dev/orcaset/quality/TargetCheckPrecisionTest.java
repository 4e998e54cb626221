package dev.orcaset.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orcaset.TestRuns;
import dev.orcaset.model.TargetCheck;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The comparators' precision on a labelled sample: questions in the shapes of the generated and
 * bundled inputs (NLI with FLAN's options, GSM8K, lettered and inline options, NIv2's Option1/2,
 * quoted labels, yes/no, short spans, free text), each with answers written as a teacher might give
 * them, right and wrong, and a person's reading of which they are. The README quotes the figures
 * this prints.
 */
class TargetCheckPrecisionTest {

  @Test
  void mismatchesAreWrongAnswersAndMatchesRightOnes() throws IOException {
    // truth (right|wrong) → verdict → count, overall and per kind of question
    Map<String, long[]> confusion = new TreeMap<>();
    Map<String, long[]> byKind = new TreeMap<>();
    List<String> misjudged = new ArrayList<>();
    int rows = 0;
    for (JsonNode r : TestRuns.resourceLines("/target-check/labelled.jsonl")) {
      TargetCheck c =
          TargetComparator.check(
              r.path("question").asText(), r.path("response").asText(), r.path("target").asText());
      String truth = r.path("truth").asText();
      confusion.computeIfAbsent(truth, k -> new long[3])[c.verdict().ordinal()]++;
      byKind.computeIfAbsent(r.path("kind").asText(), k -> new long[3])[c.verdict().ordinal()]++;
      rows++;
      if ((truth.equals("right") && c.verdict() == TargetCheck.Verdict.MISMATCH)
          || (truth.equals("wrong") && c.verdict() == TargetCheck.Verdict.MATCH)) {
        misjudged.add(truth + " answer judged " + c + ": " + r);
      }
      if (c.verdict() == TargetCheck.Verdict.UNCHECKED) {
        System.out.println("  unchecked (" + c.method().wireName() + "): " + r);
      }
    }
    long[] right = confusion.get("right");
    long[] wrong = confusion.get("wrong");
    int m = TargetCheck.Verdict.MATCH.ordinal();
    int x = TargetCheck.Verdict.MISMATCH.ordinal();
    int u = TargetCheck.Verdict.UNCHECKED.ordinal();
    System.out.printf(
        "target check on %d labelled answers: right answers %d match / %d mismatch / %d unchecked;"
            + " wrong answers %d match / %d mismatch / %d unchecked%n",
        rows, right[m], right[x], right[u], wrong[m], wrong[x], wrong[u]);
    byKind.forEach(
        (kind, n) ->
            System.out.printf(
                "  %-7s %d match, %d mismatch, %d unchecked%n", kind, n[m], n[x], n[u]));
    assertEquals(61, rows, "the labelled sample");
    assertEquals(List.of(), misjudged);
    // Precision 1.0 on both verdicts here; the share checked is what the sample measures beside.
    assertEquals(0, right[x]);
    assertEquals(0, wrong[m]);
    assertTrue(wrong[x] >= 0.9 * (wrong[m] + wrong[x] + wrong[u]), "wrong answers caught");
  }
}
