package dev.orcaset.journal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Appends a worker's answers to the journal. Entries wait in memory and are committed as one
 * slice every {@code commitEvery} entries or {@code commitSeconds}, whichever comes first, so a
 * process killed without warning loses at most one slice; {@link #flush()} commits now (fatal
 * errors, SIGTERM, end of the work). Commits run on one background thread, in order, so the
 * callers (HTTP threads) never wait for storage.
 *
 * <p>It also remembers which requests it saved in this process, so a bundle the runner retries
 * on this worker takes its answers from here instead of paying for them again.
 */
public final class JournalWriter implements AutoCloseable {
  private final String dir;
  private final String namePrefix;
  private final int commitEvery;
  private final Consumer<IOException> onCommitFailure;
  private final ScheduledExecutorService committer;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong committed = new AtomicLong();
  private final AtomicLong commitNanos = new AtomicLong();
  private final Object pendingLock = new Object();
  private List<JournalEntry> pending = new ArrayList<>();
  /** First 64 bits of the request hash → the pending entry, or the name of the slice holding it. */
  private final Map<Long, Object> saved = new ConcurrentHashMap<>();

  /**
   * @param onCommitFailure told when a slice cannot be written; the entries stay pending and are
   *     tried again with the next commit
   */
  public JournalWriter(String dir, String runId, int commitEvery, int commitSeconds,
      Consumer<IOException> onCommitFailure) {
    this.dir = dir;
    // Sortable by time, unique per writer: several workers and runs share one folder.
    this.namePrefix = String.format("%d-%s-%s", System.currentTimeMillis(), shortId(runId),
        UUID.randomUUID().toString().substring(0, 8));
    this.commitEvery = commitEvery;
    this.onCommitFailure = onCommitFailure;
    this.committer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "orcaset-journal");
      t.setDaemon(true);
      return t;
    });
    committer.scheduleWithFixedDelay(this::commit, commitSeconds, commitSeconds, TimeUnit.SECONDS);
  }

  public void append(JournalEntry entry) {
    boolean full;
    saved.put(key(entry.requestHash()), entry);
    synchronized (pendingLock) {
      pending.add(entry);
      full = pending.size() >= commitEvery;
    }
    if (full) {
      try {
        committer.execute(this::commit);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        commit(); // an answer that arrived after close: save it right away
      }
    }
  }

  /** The entry this process saved for a request, committed or not. */
  public Optional<JournalEntry> lookup(String requestHash) {
    Object where = saved.get(key(requestHash));
    if (where instanceof JournalEntry e) {
      return e.requestHash().equals(requestHash) ? Optional.of(e) : Optional.empty();
    }
    if (where instanceof String slice) {
      try {
        return JournalFiles.read(JournalFiles.resource(dir, slice)).entries().stream()
            .filter(e -> e.requestHash().equals(requestHash)).findFirst();
      } catch (IOException e) {
        return Optional.empty(); // asking again costs money but loses nothing
      }
    }
    return Optional.empty();
  }

  /** Commits everything appended so far, on the caller's thread; works after {@link #close} too. */
  public void flush() {
    commit();
  }

  /** Entries committed to storage by this writer. */
  public long committed() {
    return committed.get();
  }

  /** Time spent writing slices, for the overhead report. */
  public long commitNanos() {
    return commitNanos.get();
  }

  public String dir() {
    return dir;
  }

  @Override
  public void close() {
    flush();
    committer.shutdown();
  }

  /** One commit at a time (background thread or a flushing caller), so slices go out in order. */
  private synchronized void commit() {
    List<JournalEntry> batch;
    synchronized (pendingLock) {
      if (pending.isEmpty()) {
        return;
      }
      batch = pending;
      pending = new ArrayList<>();
    }
    String name = String.format("%s-%06d.jsonl", namePrefix, sequence.incrementAndGet());
    long start = System.nanoTime();
    try {
      JournalFiles.write(dir, name, batch);
    } catch (IOException | RuntimeException e) {
      synchronized (pendingLock) {
        batch.addAll(pending);
        pending = batch;
      }
      onCommitFailure.accept(e instanceof IOException io ? io
          : new IOException("cannot write the journal slice " + name + " in " + dir + ": " + e, e));
      return;
    }
    commitNanos.addAndGet(System.nanoTime() - start);
    committed.addAndGet(batch.size());
    for (JournalEntry e : batch) {
      saved.replace(key(e.requestHash()), e, name);
    }
  }

  private static long key(String requestHash) {
    return Long.parseUnsignedLong(requestHash.substring(0, 16), 16);
  }

  static String shortId(String runId) {
    return runId.length() > 8 ? runId.substring(0, 8) : runId;
  }
}
