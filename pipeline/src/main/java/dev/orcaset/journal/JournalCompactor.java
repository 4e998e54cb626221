package dev.orcaset.journal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * Rewrites a journal as few large slices with one entry per request (the one a run would reuse: an
 * answer over a failure, then the newest). Safe while a run is writing: only the slices listed at
 * the start are replaced, and they are deleted only after the new ones are committed, so a crash in
 * between leaves duplicates, never a gap.
 */
public final class JournalCompactor {
  /** Entries per compacted slice: large enough to keep file counts low, small enough to rewrite. */
  static final int ENTRIES_PER_SLICE = 50_000;

  private JournalCompactor() {}

  public record Result(int slicesBefore, int slicesAfter, long entriesBefore, long entriesAfter) {}

  public static Result compact(String dir) throws IOException {
    List<MatchResult.Metadata> slices = JournalFiles.list(dir);
    // Pass 1: which entry wins for each request. Only positions are kept, not the answers.
    Map<String, long[]> winner = new HashMap<>(); // hash → {slice, line, isAnswer, at}
    long before = 0;
    for (int s = 0; s < slices.size(); s++) {
      List<JournalEntry> entries = JournalFiles.read(slices.get(s).resourceId()).entries();
      for (int i = 0; i < entries.size(); i++, before++) {
        JournalEntry e = entries.get(i);
        long[] pos = {s, i, e.isAnswer() ? 1 : 0, e.atMillis()};
        winner.merge(e.requestHash(), pos, JournalCompactor::better);
      }
    }
    // Pass 2: write the winners in order.
    String prefix =
        String.format(
            "%d-compact-%s",
            System.currentTimeMillis(), UUID.randomUUID().toString().substring(0, 8));
    List<JournalEntry> out = new ArrayList<>();
    int written = 0;
    for (int s = 0; s < slices.size(); s++) {
      List<JournalEntry> entries = JournalFiles.read(slices.get(s).resourceId()).entries();
      for (int i = 0; i < entries.size(); i++) {
        long[] w = winner.get(entries.get(i).requestHash());
        if (w[0] == s && w[1] == i) {
          out.add(entries.get(i));
          if (out.size() == ENTRIES_PER_SLICE) {
            JournalFiles.write(dir, String.format("%s-%06d.jsonl", prefix, ++written), out);
            out = new ArrayList<>();
          }
        }
      }
    }
    if (!out.isEmpty()) {
      JournalFiles.write(dir, String.format("%s-%06d.jsonl", prefix, ++written), out);
    }
    List<ResourceId> old = slices.stream().map(MatchResult.Metadata::resourceId).toList();
    JournalFiles.delete(old);
    return new Result(slices.size(), written, before, winner.size());
  }

  private static long[] better(long[] a, long[] b) {
    if (a[2] != b[2]) {
      return a[2] > b[2] ? a : b;
    }
    return b[3] > a[3] ? b : a;
  }
}
