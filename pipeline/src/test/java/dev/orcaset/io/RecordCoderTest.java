package dev.orcaset.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.journal.JournalEntry;
import dev.orcaset.model.ChatCompletion;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class RecordCoderTest {
  enum Color {
    RED,
    GREEN
  }

  record Inner(String name, Double weight) implements Serializable {}

  record Everything(
      String s,
      int i,
      Integer boxed,
      long l,
      Long nullLong,
      double d,
      boolean b,
      Boolean nullBool,
      Color color,
      Inner inner,
      List<String> list,
      Map<String, Double> map,
      List<Inner> inners)
      implements Serializable {}

  @Test
  void everySupportedComponentRoundTrips_nullsIncluded() throws Exception {
    Everything full =
        new Everything(
            "héllo \u2603",
            -3,
            7,
            Long.MAX_VALUE,
            null,
            0.25,
            true,
            null,
            Color.GREEN,
            new Inner("x", null),
            List.of("a", "", "c"),
            Map.of("b", 2.0, "a", 1.0),
            List.of(new Inner("y", 1.5)));
    RecordCoder<Everything> coder = RecordCoder.of(Everything.class);
    assertEquals(full, CoderUtils.clone(coder, full));
    Everything empty =
        new Everything(null, 0, null, 0, null, 0, false, null, null, null, null, null, null);
    assertEquals(empty, CoderUtils.clone(coder, empty));
  }

  @Test
  void isMuchSmallerThanJavaSerialization() throws Exception {
    JournalEntry e =
        JournalEntry.answer(
            "ab".repeat(32),
            "run-1",
            1L,
            new ChatCompletion("an answer", "stop", 10, 20, "m", 1, null, 0));
    byte[] ours = CoderUtils.encodeToByteArray(RecordCoder.of(JournalEntry.class), e);
    ByteArrayOutputStream java = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(java)) {
      o.writeObject(e);
    }
    assertTrue(ours.length * 3 < java.size(), ours.length + " bytes against " + java.size());
    assertEquals(e, CoderUtils.decodeFromByteArray(RecordCoder.of(JournalEntry.class), ours));
  }

  record Unsupported(Set<String> set) {}

  @Test
  void anUnsupportedComponentFailsWhenTheCoderIsBuilt() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RecordCoder.of(Unsupported.class));
    assertTrue(e.getMessage().contains("Unsupported.set"), e.getMessage());
  }
}
