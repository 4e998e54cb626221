package dev.orcaset.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The judge's replies as models write them, and the ones with no score to read. */
class JudgementTest {
  @Test
  void theRubricsJsonObject_evenInsideProseOrCodeFences() {
    Judgement plain = Judgement.read("{\"score\": 7, \"reason\": \"Right, thin explanation.\"}");
    assertEquals(7, plain.score());
    assertEquals("Right, thin explanation.", plain.reason());

    Judgement fenced =
        Judgement.read(
            "Here is my evaluation:\n```json\n{\n  \"score\": \"9\",\n  \"reason\": \"Clear and"
                + " correct.\"\n}\n```");
    assertEquals(9, fenced.score());
    assertEquals("Clear and correct.", fenced.reason());

    assertEquals(4, Judgement.read("{\"score\": \"4/10\", \"reason\": \"x\"}").score());
    assertEquals(10, Judgement.read("{\"score\": 10.0, \"reason\": \"x\"}").score());
  }

  @Test
  void aScoreWrittenAsText() {
    Judgement j = Judgement.read("Score: 8/10\nReason: correct and well explained");
    assertEquals(8, j.score());
    assertEquals("correct and well explained", j.reason());
    assertEquals(3, Judgement.read("The answer is wrong. score = 3").score());
  }

  @Test
  void noScoreIsGuessed_theReasonSaysWhy() {
    for (String reply :
        new String[] {
          "I cannot grade this answer.",
          "{\"score\": 0, \"reason\": \"out of range\"}",
          "{\"score\": 11, \"reason\": \"out of range\"}",
          "{\"score\": 7.5, \"reason\": \"not a whole score\"}",
          "{\"score\": \"high\", \"reason\": \"a word\"}",
          "The answer deserves a 9.",
          "",
        }) {
      Judgement j = Judgement.read(reply);
      assertNull(j.score(), reply);
      assertTrue(!j.reason().isBlank(), reply);
    }
    assertTrue(
        Judgement.read("{\"score\": 11}").reason().contains("not a number from 1 to 10"),
        Judgement.read("{\"score\": 11}").reason());
    assertEquals("the judge's reply was empty", Judgement.read(" ").reason());
  }

  @Test
  void aLongReasonIsClipped() {
    Judgement j = Judgement.read("{\"score\": 5, \"reason\": \"" + "word ".repeat(300) + "\"}");
    assertEquals(5, j.score());
    assertTrue(j.reason().length() <= 501, String.valueOf(j.reason().length()));
  }
}
