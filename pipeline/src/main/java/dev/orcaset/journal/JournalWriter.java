package dev.orcaset.journal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Appends a worker's answers to the journal. Entries wait in memory and are committed as one slice
 * every {@code commitEvery} entries or {@code commitSeconds}, whichever comes first, so a process
 * killed without warning loses at most one slice; {@link #flush()} commits now (fatal errors,
 * SIGTERM, end of the work). Appends wait while a slice is written: on a local disk that is a
 * millisecond or two per slice; on an object store, raise `journal.commit_every` if it shows.
 *
 * <p>A bundle the runner retries takes the answers already saved for its batches instead of paying
 * for them again. Slices are named after the batch their answers belong to, so a worker that starts
 * a batch finds what any worker of this run committed for it, this one included, with one listing
 * ({@link #adoptBatch}); entries not yet committed are looked up in memory. Memory is bounded by
 * one slice of pending entries and the batch being worked on, not by the run: a 5M run held 80
 * bytes an answer for its whole length before.
 */
public final class JournalWriter implements AutoCloseable {
  private final String dir;
  private final String writerId;
  private final String runTag;
  private final int commitEvery;
  private final Consumer<IOException> onCommitFailure;
  private final ScheduledExecutorService committer;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong committed = new AtomicLong();
  private final Object pendingLock = new Object();

  private record Pending(String batch, JournalEntry entry) {}

  private List<Pending> pending = new ArrayList<>();

  /**
   * First 64 bits of the request hash → an entry not committed yet, or one the batch being worked
   * on has in the journal already.
   */
  private final Map<Long, JournalEntry> saved = new ConcurrentHashMap<>();

  /** The entries {@link #adoptBatch} put in {@link #saved} for the batch being worked on. */
  private final List<JournalEntry> adopted = new ArrayList<>();

  /**
   * @param onCommitFailure told when a slice cannot be written; the entries stay pending and are
   *     tried again with the next commit
   */
  public JournalWriter(
      String dir,
      String runId,
      int commitEvery,
      int commitSeconds,
      Consumer<IOException> onCommitFailure) {
    this.dir = dir;
    // Run first, so one run's slices share a prefix (object stores list by prefix); then time,
    // and a writer id: several workers and runs share one folder.
    this.runTag = shortId(runId);
    this.writerId =
        String.format(
            "%d-%s", System.currentTimeMillis(), UUID.randomUUID().toString().substring(0, 8));
    this.commitEvery = commitEvery;
    this.onCommitFailure = onCommitFailure;
    this.committer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "orcaset-journal");
              t.setDaemon(true);
              return t;
            });
    committer.scheduleWithFixedDelay(this::commit, commitSeconds, commitSeconds, TimeUnit.SECONDS);
  }

  /**
   * Saves an entry; {@code batch} names the unit of work it belongs to (a batch key), or null. The
   * entry that fills a slice commits it before returning, and entries arriving meanwhile wait: so
   * no more than one slice is ever uncommitted, the most a `kill -9` can lose.
   */
  public void append(JournalEntry entry, String batch) {
    saved.put(key(entry.requestHash()), entry);
    synchronized (pendingLock) {
      pending.add(new Pending(batch == null ? "x" : batch, entry));
      if (pending.size() >= commitEvery) {
        commitLocked();
      }
    }
  }

  /**
   * Makes the answers this run's workers (this one too) committed for {@code batch} available to
   * {@link #lookup}, in place of the batch adopted before: called when a batch starts, so a retried
   * batch is not paid for twice. Costs one prefix listing; slices are read only when some exist.
   * Returns how many entries it found.
   */
  public int adoptBatch(String batch) {
    for (JournalEntry e : adopted) {
      saved.remove(key(e.requestHash()), e);
    }
    adopted.clear();
    int found = 0;
    try {
      for (var m : JournalFiles.list(dir, batchPrefix(batch) + "*.jsonl")) {
        for (JournalEntry e : JournalFiles.read(m.resourceId()).entries()) {
          if (saved.putIfAbsent(key(e.requestHash()), e) == null) {
            adopted.add(e);
          }
          found++;
        }
      }
    } catch (IOException e) {
      return found; // asking again costs money but loses nothing
    }
    return found;
  }

  /** The entry saved for a request: pending in this writer, or committed for the adopted batch. */
  public Optional<JournalEntry> lookup(String requestHash) {
    JournalEntry e = saved.get(key(requestHash));
    return e != null && e.requestHash().equals(requestHash) ? Optional.of(e) : Optional.empty();
  }

  /** How many entries this writer holds in memory (for tests of its bound). */
  int held() {
    return saved.size();
  }

  /** Commits everything appended so far, on the caller's thread; works after {@link #close} too. */
  public void flush() {
    commit();
  }

  /** Entries committed to storage by this writer. */
  public long committed() {
    return committed.get();
  }

  public String dir() {
    return dir;
  }

  @Override
  public void close() {
    flush();
    committer.shutdown();
  }

  /**
   * Slices are named run, batch, writer, sequence: the run's slices of one batch share a prefix, so
   * {@link #adoptBatch} is one prefix listing (cheap on an object store) however many batches and
   * slices the run has.
   */
  private String batchPrefix(String batch) {
    return runTag + "-b" + batch + "-";
  }

  /** Commits what is pending (timer, flush, close). */
  private void commit() {
    synchronized (pendingLock) {
      commitLocked();
    }
  }

  /** Writes the pending entries as slices, one per batch; the caller holds {@code pendingLock}. */
  private void commitLocked() {
    if (pending.isEmpty()) {
      return;
    }
    List<Pending> taken = pending;
    pending = new ArrayList<>();
    Map<String, List<JournalEntry>> byBatch = new TreeMap<>();
    for (Pending p : taken) {
      byBatch.computeIfAbsent(p.batch(), b -> new ArrayList<>()).add(p.entry());
    }
    List<Pending> unwritten = new ArrayList<>();
    IOException failure = null;
    for (Map.Entry<String, List<JournalEntry>> group : byBatch.entrySet()) {
      String name =
          String.format(
              "%s%s-%06d.jsonl", batchPrefix(group.getKey()), writerId, sequence.incrementAndGet());
      try {
        JournalFiles.write(dir, name, group.getValue());
      } catch (IOException | RuntimeException e) {
        group.getValue().forEach(entry -> unwritten.add(new Pending(group.getKey(), entry)));
        failure =
            e instanceof IOException io
                ? io
                : new IOException(
                    "cannot write the journal slice " + name + " in " + dir + ": " + e, e);
        continue;
      }
      committed.addAndGet(group.getValue().size());
      for (JournalEntry e : group.getValue()) {
        saved.remove(key(e.requestHash()), e); // in its slice now, for adoptBatch to find
      }
    }
    if (failure != null) {
      unwritten.addAll(pending);
      pending = unwritten;
      onCommitFailure.accept(failure);
    }
  }

  private static long key(String requestHash) {
    return Long.parseUnsignedLong(requestHash.substring(0, 16), 16);
  }

  static String shortId(String runId) {
    return runId.length() > 8 ? runId.substring(0, 8) : runId;
  }
}
