package dev.orcaset.journal;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * What a journal holds: slices, entries, answers and failures, distinct requests (the rest are
 * duplicates `journal compact` removes), size, and entries per run.
 */
public record JournalStats(
    int slices,
    long bytes,
    long entries,
    long answers,
    long failures,
    long distinctRequests,
    long unreadableLines,
    Map<String, Long> entriesByRun) {

  public long duplicates() {
    return entries - distinctRequests;
  }

  public static JournalStats of(String dir) throws IOException {
    List<MatchResult.Metadata> slices = JournalFiles.list(dir);
    long bytes = 0;
    long entries = 0;
    long answers = 0;
    long unreadable = 0;
    Set<String> distinct = new HashSet<>();
    Map<String, Long> byRun = new TreeMap<>();
    for (MatchResult.Metadata m : slices) {
      bytes += m.sizeBytes();
      JournalFiles.Slice slice = JournalFiles.read(m.resourceId());
      unreadable += slice.unreadable().size();
      for (JournalEntry e : slice.entries()) {
        entries++;
        answers += e.isAnswer() ? 1 : 0;
        distinct.add(e.requestHash());
        byRun.merge(String.valueOf(e.runId()), 1L, Long::sum);
      }
    }
    return new JournalStats(
        slices.size(),
        bytes,
        entries,
        answers,
        entries - answers,
        distinct.size(),
        unreadable,
        byRun);
  }

  /** What one run's journal entries say it paid for: requests, HTTP attempts and tokens. */
  public record RunUsage(
      long requests, long httpAttempts, long promptTokens, long completionTokens) {}

  /**
   * Entries one run committed. Reads only that run's slices (their names carry the run id), so it
   * stays quick on a large journal: it is called while a stopped run tells the user what is safe.
   */
  public static long entriesOfRun(String dir, String runId) throws IOException {
    return usageOfRun(dir, runId).requests();
  }

  /**
   * What one run paid for, from its committed entries: every attempt of the job counts, a restarted
   * one too (a restarted job's own counters start again from nothing).
   */
  public static RunUsage usageOfRun(String dir, String runId) throws IOException {
    long requests = 0;
    long attempts = 0;
    long prompt = 0;
    long completion = 0;
    for (MatchResult.Metadata m :
        JournalFiles.list(dir, JournalWriter.shortId(runId) + "-*.jsonl")) {
      for (JournalEntry e : JournalFiles.read(m.resourceId()).entries()) {
        if (!runId.equals(e.runId())) {
          continue;
        }
        requests++;
        if (e.isAnswer()) {
          attempts += e.answer().attempts();
          prompt += e.answer().promptTokens();
          completion += e.answer().completionTokens();
        } else {
          attempts += e.failure().attempts();
        }
      }
    }
    return new RunUsage(requests, attempts, prompt, completion);
  }
}
