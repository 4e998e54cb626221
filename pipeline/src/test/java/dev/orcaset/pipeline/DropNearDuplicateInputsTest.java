package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The MinHash estimate behind `near_duplicate_input`, against exact Jaccard similarities. */
class DropNearDuplicateInputsTest {
  private static List<Long> sig(String text) {
    return Arrays.stream(DropNearDuplicateInputs.signature(text)).boxed().toList();
  }

  private static String words(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
  }

  @Test
  void theEstimateTracksTheTrueJaccardSimilarityOfWord3Grams() {
    // 100 words vs. the same with the last word changed: 98 3-grams each, 97 shared: J = 97/99.
    double near =
        DropNearDuplicateInputs.similarity(sig(words(0, 100)), sig(words(0, 99) + " other"));
    assertTrue(near >= 0.9, "near copies: " + near);
    // Half the words shared: 3-grams 0..47 vs 50..97 of 0..100 and 50..150: J = 48/(98+98-48) ≈
    // 0.32.
    double half = DropNearDuplicateInputs.similarity(sig(words(0, 100)), sig(words(50, 150)));
    assertTrue(half > 0.15 && half < 0.5, "half shared: " + half);
    double none = DropNearDuplicateInputs.similarity(sig(words(0, 100)), sig(words(100, 200)));
    assertTrue(none < 0.05, "nothing shared: " + none);
    assertEquals(
        1.0,
        DropNearDuplicateInputs.similarity(sig("Is it Sunday, today?"), sig("is it sunday today")),
        "case and punctuation do not count");
  }
}
