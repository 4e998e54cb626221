package dev.orcaset.flan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.model.DropReason;
import dev.orcaset.model.FlanRecord;
import dev.orcaset.model.Origin;
import dev.orcaset.model.Rejection;
import dev.orcaset.model.Submix;
import org.junit.jupiter.api.Test;

class FlanRecordParserTest {
  private final FlanRecordParser parser = new FlanRecordParser();
  private final Origin at = new Origin("in.jsonl", 7);

  @Test
  void readsThePlainSpelling() {
    FlanRecord r =
        parser
            .parseLine(
                """
                {"inputs":"Q?","targets":"A","task_source":"NIv2","task_name":"task1","template_type":"zs_opt","_template_idx":3}\
                """,
                at)
            .record();
    assertEquals("Q?", r.inputs());
    assertEquals("A", r.targets());
    assertEquals(Submix.NIV2, r.submix());
    assertEquals("task1", r.taskName());
    assertEquals("zs_opt", r.templateType());
    assertEquals(3, r.templateIdx());
    assertEquals(at, r.origin());
  }

  @Test
  void readsTheUnderscoreSpellingOfThePublicExports() {
    FlanRecord r =
        parser
            .parseLine(
                """
                {"inputs":"Q?","targets":"A","_task_source":"CoT","_task_name":"cot_gsm8k","_template_type":"zs_noopt","_template_idx":"2"}\
                """,
                at)
            .record();
    assertEquals(Submix.COT, r.submix());
    assertEquals("cot_gsm8k", r.taskName());
    assertEquals("zs_noopt", r.templateType());
    assertEquals(2, r.templateIdx());
  }

  @Test
  void keepsInputsVerbatim_includingWhitespaceAndUnicode() {
    String inputs = "  Translate to German:\\n\\n\\u00dcber den Fluss.  ";
    FlanRecord r = parser.parseLine("{\"inputs\":\"" + inputs + "\"}", at).record();
    assertEquals("  Translate to German:\n\nÜber den Fluss.  ", r.inputs());
    assertEquals(Submix.UNKNOWN, r.submix());
  }

  @Test
  void mapsSubmixSpellingsLeniently() {
    assertEquals(Submix.FLAN2021, Submix.fromTaskSource("flan"));
    assertEquals(Submix.FLAN2021, Submix.fromTaskSource("Muffin"));
    assertEquals(Submix.T0, Submix.fromTaskSource("t0-sf"));
    assertEquals(Submix.NIV2, Submix.fromTaskSource("niv"));
    assertEquals(Submix.DIALOG, Submix.fromTaskSource("Dialog"));
    assertEquals(Submix.UNKNOWN, Submix.fromTaskSource("something else"));
  }

  @Test
  void rejectsEachKindOfBadLine_withReasonLineAndRawText() {
    assertRejected("{\"inputs\": \"x\"", DropReason.NOT_JSON);
    assertRejected("[1, 2]", DropReason.NOT_AN_OBJECT);
    assertRejected("{\"targets\": \"x\"}", DropReason.MISSING_INPUTS);
    assertRejected("{\"inputs\": null}", DropReason.MISSING_INPUTS);
    assertRejected("{\"inputs\": \" \\n \"}", DropReason.BLANK_INPUTS);
    assertRejected("{\"inputs\": 42}", DropReason.BAD_FIELD);
    assertRejected("{\"inputs\": \"x\", \"_template_idx\": \"first\"}", DropReason.BAD_FIELD);
  }

  @Test
  void truncatesHugeRawLinesInRejections() {
    String huge = "{\"targets\": \"" + "x".repeat(10_000) + "\"}";
    Rejection r = parser.parseLine(huge, at).rejection();
    assertTrue(r.raw().length() < 2_100, "raw kept: " + r.raw().length());
    assertTrue(r.raw().contains("truncated 10015 chars"), r.raw().substring(2_000));
  }

  private void assertRejected(String line, DropReason reason) {
    FlanRecordParser.Parsed p = parser.parseLine(line, at);
    assertNull(p.record(), line);
    Rejection r = p.rejection();
    assertNotNull(r, line);
    assertEquals(reason, r.reason(), line);
    assertEquals("in.jsonl", r.file());
    assertEquals(7, r.line());
    assertEquals(line, r.raw());
    assertNotNull(r.detail());
  }
}
