package dev.orcaset.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.model.ChatCompletion;
import dev.orcaset.model.Hashes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalWriterTest {
  @TempDir Path dir;

  private final List<IOException> failures = new ArrayList<>();

  private static JournalEntry answer(int i) {
    return JournalEntry.answer(
        Hashes.sha256Hex("q" + i),
        "run-1",
        1000 + i,
        new ChatCompletion(
            "answer " + i + " with \"quotes\"\nand a newline",
            "stop",
            10,
            20 + i,
            "m-1",
            1,
            null,
            0));
  }

  private List<Path> slices() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
    }
  }

  @Test
  void commitsASliceEveryNAnswers_andTheRestOnFlush() throws Exception {
    try (JournalWriter w = new JournalWriter(dir.toString(), "run-1", 10, 3600, failures::add)) {
      for (int i = 0; i < 25; i++) {
        w.append(answer(i), "b" + (i % 3));
      }
      // Two full slices are committed without any flush; give the background thread a moment.
      for (int tries = 0; tries < 100 && w.committed() < 20; tries++) {
        Thread.sleep(20);
      }
      assertTrue(w.committed() >= 20, "at least every 10 answers: " + w.committed());
      assertTrue(slices().size() >= 1);
      w.flush();
      assertEquals(25, w.committed());
    }
    List<JournalEntry> all = new ArrayList<>();
    for (Path p : slices()) {
      all.addAll(
          JournalFiles.read(JournalFiles.resource(dir.toString(), p.getFileName().toString()))
              .entries());
    }
    assertEquals(25, all.size());
    assertTrue(all.contains(answer(7)), "an entry reads back exactly as written, text and numbers");
    assertTrue(failures.isEmpty());
  }

  @Test
  void commitsOnATimerWhenAnswersTrickleIn() throws Exception {
    try (JournalWriter w = new JournalWriter(dir.toString(), "run-1", 1000, 1, failures::add)) {
      w.append(answer(1), "7");
      for (int tries = 0; tries < 150 && w.committed() == 0; tries++) {
        Thread.sleep(20);
      }
      assertEquals(
          1, w.committed(), "committed within about a second without reaching commit_every");
    }
  }

  @Test
  void remembersWhatItSaved_beforeAndAfterCommit_forRetriedBundles() throws Exception {
    try (JournalWriter w = new JournalWriter(dir.toString(), "run-1", 2, 3600, failures::add)) {
      w.append(answer(1), "7");
      assertEquals(answer(1), w.lookup(answer(1).requestHash()).orElseThrow(), "pending");
      w.append(answer(2), "7");
      w.flush();
      assertFalse(w.lookup(answer(2).requestHash()).isPresent(), "committed: not held");
      assertEquals(2, w.adoptBatch("7"), "a retry of batch 7 on this worker");
      assertEquals(
          answer(2), w.lookup(answer(2).requestHash()).orElseThrow(), "read back from its slice");
      assertFalse(w.lookup(answer(3).requestHash()).isPresent());
    }
  }

  /**
   * A worker of a long run holds one slice of pending answers and the batch it works on, however
   * many it has saved: before, 80 bytes an answer for the run (a 1M run's TaskManager held 600,000
   * of them).
   */
  @Test
  void memoryIsBoundedBySliceAndBatch_notByTheRun() throws Exception {
    try (JournalWriter w = new JournalWriter(dir.toString(), "run-1", 10, 3600, failures::add)) {
      int most = 0;
      for (int batch = 0; batch < 20; batch++) {
        w.adoptBatch(String.valueOf(batch));
        for (int i = 0; i < 25; i++) {
          w.append(answer(batch * 25 + i), String.valueOf(batch));
          most = Math.max(most, w.held());
        }
      }
      assertTrue(most <= 10, "at most one slice pending, held " + most);
      assertEquals(500, w.committed());
      assertEquals(25, w.adoptBatch("3"), "a retried batch finds its 25 answers");
      assertEquals(25, w.held());
      assertEquals(0, w.adoptBatch("20"), "the next batch has none");
      assertEquals(0, w.held(), "and batch 3's are let go");
    }
  }

  @Test
  void aBatchRetriedOnAnotherWorker_findsTheAnswersTheFirstWorkerCommitted() throws Exception {
    try (JournalWriter first =
            new JournalWriter(dir.toString(), "run-1", 100, 3600, failures::add);
        JournalWriter second =
            new JournalWriter(dir.toString(), "run-1", 100, 3600, failures::add);
        JournalWriter otherRun =
            new JournalWriter(dir.toString(), "run-2", 100, 3600, failures::add)) {
      first.append(answer(1), "3");
      first.append(answer(2), "4");
      otherRun.append(answer(5), "3");
      first.flush();
      otherRun.flush();
      assertFalse(second.lookup(answer(1).requestHash()).isPresent());
      assertEquals(1, second.adoptBatch("3"), "only batch 3 of this run");
      assertEquals(answer(1), second.lookup(answer(1).requestHash()).orElseThrow());
      assertFalse(second.lookup(answer(2).requestHash()).isPresent(), "batch 4 is not adopted");
      assertFalse(
          second.lookup(answer(5).requestHash()).isPresent(),
          "another run's batch 3 is not this one");
      assertEquals(0, second.adoptBatch("9"));
    }
  }

  @Test
  void aHalfWrittenLineOrTempFile_isSkippedAndReported_notFatal() throws Exception {
    JournalFiles.write(dir.toString(), "a.jsonl", List.of(answer(1), answer(2)));
    Files.writeString(
        dir.resolve("a.jsonl"), "{\"request_hash\": \"abc\", \"answ", StandardOpenOption.APPEND);
    Files.writeString(dir.resolve("_tmp-b.jsonl"), "garbage");
    Files.writeString(dir.resolve("_tmp-c.jsonl.partial"), "garbage");
    JournalStats stats = JournalStats.of(dir.toString());
    assertEquals(1, stats.slices(), "the temp file of a killed writer is not a slice");
    assertEquals(2, stats.entries());
    assertEquals(1, stats.unreadableLines());
  }

  @Test
  void anUnwritableFolder_isReported_andTheEntriesAreKept() throws Exception {
    Path file = dir.resolve("not-a-dir");
    Files.writeString(file, "x");
    try (JournalWriter w = new JournalWriter(file.toString(), "run-1", 1, 3600, failures::add)) {
      w.append(answer(1), "7");
      w.flush();
      assertEquals(0, w.committed());
      assertFalse(failures.isEmpty(), "the failure reaches the caller, which stops the run");
      assertTrue(w.lookup(answer(1).requestHash()).isPresent(), "still held in memory");
    }
  }

  @Test
  void compactKeepsOneEntryPerRequest_preferringAnswersThenTheNewest() throws Exception {
    String h = Hashes.sha256Hex("q1");
    var failure =
        JournalEntry.failure(h, "run-0", 5, new JournalEntry.Failure(400, "bad", "no", 1));
    var older =
        JournalEntry.answer(
            h, "run-1", 10, new ChatCompletion("old", "stop", 1, 1, "m", 1, null, 0));
    var newer =
        JournalEntry.answer(
            h, "run-2", 20, new ChatCompletion("new", "stop", 1, 1, "m", 1, null, 0));
    JournalFiles.write(dir.toString(), "1.jsonl", List.of(failure, older, answer(5)));
    JournalFiles.write(dir.toString(), "2.jsonl", List.of(newer, answer(6)));
    JournalFiles.write(dir.toString(), "3.jsonl", List.of(answer(5)));

    JournalCompactor.Result r = JournalCompactor.compact(dir.toString());
    assertEquals(3, r.slicesBefore());
    assertEquals(1, r.slicesAfter());
    assertEquals(6, r.entriesBefore());
    assertEquals(3, r.entriesAfter());
    List<Path> left = slices();
    assertEquals(1, left.size());
    List<JournalEntry> kept =
        JournalFiles.read(
                JournalFiles.resource(dir.toString(), left.get(0).getFileName().toString()))
            .entries();
    assertEquals(3, kept.size());
    assertTrue(kept.contains(newer));
    assertFalse(kept.contains(older));
    assertFalse(kept.contains(failure));
  }

  @Test
  void aReasoningAnswer_keepsItsReasoningInTheLine_andAChatAnswersLineIsAsBefore()
      throws IOException {
    ChatCompletion thought =
        new ChatCompletion("Answer: 4.", "stop", 10, 30, "deepseek-r1", 1, "2 + 2 = 4.", 20);
    JournalEntry e = JournalEntry.answer("ab".repeat(32), "run-1", 5, thought);
    assertEquals(e, JournalEntry.fromLine(e.toLine()));

    ChatCompletion chat = new ChatCompletion("Answer: 4.", "stop", 10, 3, "m", 1, null, 0);
    String line = JournalEntry.answer("ab".repeat(32), "run-1", 5, chat).toLine();
    assertEquals(
        "{\"request_hash\":\""
            + "ab".repeat(32)
            + "\",\"run_id\":\"run-1\",\"at\":5,\"answer\":{\"content\":\"Answer:"
            + " 4.\",\"finish_reason\":\"stop\","
            + "\"prompt_tokens\":10,\"completion_tokens\":3,\"served_model\":\"m\",\"attempts\":1}}",
        line,
        "the format earlier versions wrote and read");
  }
}
