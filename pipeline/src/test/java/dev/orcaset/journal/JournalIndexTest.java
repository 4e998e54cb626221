package dev.orcaset.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.model.ChatCompletion;
import dev.orcaset.model.Hashes;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongPredicate;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.VarInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A slice's index lets a lookup read the entries it wants and nothing else. */
class JournalIndexTest {
  @TempDir Path dir;

  private static JournalEntry answer(int i) {
    return JournalEntry.answer(
        Hashes.sha256Hex("q" + i),
        "run-1",
        1000 + i,
        new ChatCompletion(
            "answer " + i + " ünïcode\nand a newline " + "x".repeat(i % 50),
            "stop",
            10,
            20,
            "m",
            1,
            null,
            0));
  }

  private ResourceId writeSlice(int n) throws Exception {
    List<JournalEntry> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      entries.add(answer(i));
    }
    JournalFiles.write(dir.toString(), "s-000001.jsonl", entries);
    return JournalFiles.resource(dir.toString(), "s-000001.jsonl");
  }

  private static LongPredicate only(int... which) {
    Set<Long> prefixes = new HashSet<>();
    for (int i : which) {
      prefixes.add(JournalIndex.prefix(answer(i).requestHash()));
    }
    return prefixes::contains;
  }

  @Test
  void readsOnlyTheWantedEntries_andFewBytes() throws Exception {
    ResourceId slice = writeSlice(1_000);
    long size = Files.size(dir.resolve("s-000001.jsonl"));

    JournalFiles.Slice some = JournalFiles.read(slice, only(3, 500, 501, 999));

    assertEquals(List.of(answer(3), answer(500), answer(501), answer(999)), some.entries());
    assertTrue(some.unreadable().isEmpty(), some.unreadable().toString());
    long index = Files.size(dir.resolve(JournalIndex.nameFor("s-000001.jsonl")));
    assertTrue(some.bytesRead() < index + 2_000, some.bytesRead() + " of " + size);
    assertTrue(index < size / 5, "the index is small beside its slice: " + index + " / " + size);
  }

  @Test
  void byUnboundedHash_findsOnlyEntriesThatHaveOne_andAnOlderIndexStillReads() throws Exception {
    List<JournalEntry> entries = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      JournalEntry a = answer(i);
      // Even entries as this version writes them; odd ones as older versions did (no hash).
      entries.add(
          i % 2 == 0
              ? JournalEntry.answer(
                  a.requestHash(),
                  Hashes.sha256Hex("u" + i),
                  100,
                  "run-1",
                  a.atMillis(),
                  a.answer())
              : a);
    }
    JournalFiles.write(dir.toString(), "s-000002.jsonl", entries);
    ResourceId slice = JournalFiles.resource(dir.toString(), "s-000002.jsonl");
    Set<Long> wanted = new HashSet<>();
    for (int i : new int[] {4, 5, 150}) {
      wanted.add(JournalIndex.unboundedPrefix(Hashes.sha256Hex("u" + i)));
    }
    JournalFiles.Slice found = JournalFiles.readOtherBounds(slice, wanted::contains, 400);
    assertEquals(List.of(entries.get(4), entries.get(150)), found.entries());
    assertEquals(Hashes.sha256Hex("u4"), found.entries().get(0).unboundedHash(), "round trip");
    assertEquals(100, found.entries().get(0).maxTokens());
    JournalFiles.Slice sameBound = JournalFiles.readOtherBounds(slice, wanted::contains, 100);
    assertEquals(List.of(), sameBound.entries(), "all asked at 100: nothing under another bound");
    assertTrue(
        sameBound.bytesRead() < 32, "only the index's first bytes: " + sameBound.bytesRead());

    // An index written before unbounded hashes (OJX1: prefix and length per entry).
    ByteArrayOutputStream old = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(old)) {
      out.write("OJX1".getBytes(StandardCharsets.US_ASCII));
      VarInt.encode(entries.size(), out);
      for (JournalEntry e : entries) {
        out.writeLong(JournalIndex.prefix(e.requestHash()));
        VarInt.encode((e.toLine() + "\n").getBytes(StandardCharsets.UTF_8).length, out);
      }
    }
    Files.write(dir.resolve(JournalIndex.nameFor("s-000002.jsonl")), old.toByteArray());
    JournalFiles.Slice byRequest =
        JournalFiles.read(slice, p -> p == JournalIndex.prefix(entries.get(7).requestHash()));
    assertEquals(List.of(entries.get(7)), byRequest.entries(), "the old index still finds");
    assertTrue(byRequest.bytesRead() < 3_000, "and reads little: " + byRequest.bytesRead());
    assertEquals(
        List.of(),
        JournalFiles.readOtherBounds(slice, wanted::contains, 400).entries(),
        "it has no unbounded prefixes");
  }

  @Test
  void everythingWanted_givesEverything_asAWholeReadDoes() throws Exception {
    ResourceId slice = writeSlice(300);
    JournalFiles.Slice all = JournalFiles.read(slice, p -> true);
    JournalFiles.Slice whole = JournalFiles.read(slice);
    assertEquals(whole.entries(), all.entries());
    assertEquals(300, all.entries().size());
    assertEquals(Files.size(dir.resolve("s-000001.jsonl")), whole.bytesRead());
  }

  @Test
  void aSliceWithoutItsIndex_orWithADamagedOne_isReadWhole() throws Exception {
    ResourceId slice = writeSlice(50);
    Path index = dir.resolve(JournalIndex.nameFor("s-000001.jsonl"));
    Files.writeString(index, "not an index\n");
    assertEquals(50, JournalFiles.read(slice, only(1)).entries().size());
    Files.delete(index);
    assertEquals(50, JournalFiles.read(slice, only(1)).entries().size());
    // An index left from another slice of the same name (a rewrite whose index write failed).
    JournalFiles.write(dir.toString(), "other.jsonl", List.of(answer(1), answer(2)));
    Files.move(dir.resolve(JournalIndex.nameFor("other.jsonl")), index);
    assertEquals(50, JournalFiles.read(slice, only(1)).entries().size());
  }

  @Test
  void deletingASliceDeletesItsIndex() throws Exception {
    ResourceId slice = writeSlice(5);
    assertTrue(Files.exists(dir.resolve(JournalIndex.nameFor("s-000001.jsonl"))));
    JournalFiles.delete(List.of(slice));
    try (var left = Files.list(dir)) {
      assertEquals(List.of(), left.toList());
    }
  }

  @Test
  void theFilterHasNoFalseNegatives_andFewFalsePositives() {
    HashFilter f = new HashFilter();
    for (int i = 0; i < 100_000; i++) {
      f.add(JournalIndex.prefix(Hashes.sha256Hex("in" + i)));
    }
    for (int i = 0; i < 100_000; i++) {
      assertTrue(f.mightContain(JournalIndex.prefix(Hashes.sha256Hex("in" + i))));
    }
    int falsePositives = 0;
    for (int i = 0; i < 100_000; i++) {
      falsePositives += f.mightContain(JournalIndex.prefix(Hashes.sha256Hex("out" + i))) ? 1 : 0;
    }
    assertTrue(falsePositives < 10, falsePositives + " false positives in 100,000");
    assertFalse(new HashFilter().mightContain(JournalIndex.prefix(Hashes.sha256Hex("in1"))));
  }

  @Test
  void aFilterSurvivesItsCoder() throws Exception {
    HashFilter f = new HashFilter();
    for (int i = 0; i < 1_000; i++) {
      f.add(JournalIndex.prefix(Hashes.sha256Hex("in" + i)));
    }
    var bytes = new ByteArrayOutputStream();
    new HashFilter.Coder().encode(f, bytes);
    assertTrue(bytes.size() < 16_000, "sparse on the wire: " + bytes.size());
    HashFilter decoded =
        new HashFilter.Coder().decode(new java.io.ByteArrayInputStream(bytes.toByteArray()));
    assertEquals(f, decoded);
    assertEquals(1_000, decoded.size(), "how many it holds, for a reader sizing its read");
    HashFilter other = new HashFilter();
    other.add(JournalIndex.prefix(Hashes.sha256Hex("other")));
    assertEquals(1_001, decoded.merge(other).size());
  }

  @Test
  void anEmptyFilter_isEmptyOnBothSidesOfItsCoder_andMergesAsNothing() throws Exception {
    var bytes = new ByteArrayOutputStream();
    new HashFilter.Coder().encode(new HashFilter(), bytes);
    assertEquals(2, bytes.size(), "no hashes added, a count of 0 bits set and no gaps");
    HashFilter decoded =
        new HashFilter.Coder().decode(new java.io.ByteArrayInputStream(bytes.toByteArray()));
    assertTrue(decoded.isEmpty());
    HashFilter one = new HashFilter();
    one.add(JournalIndex.prefix(Hashes.sha256Hex("in1")));
    assertFalse(one.isEmpty());
    assertTrue(decoded.merge(new HashFilter()).isEmpty());
    assertTrue(decoded.merge(one).mightContain(JournalIndex.prefix(Hashes.sha256Hex("in1"))));
  }
}
