package dev.orcaset.teacher.batch;

import dev.orcaset.config.BatchConfig;
import dev.orcaset.teacher.Sleeper;
import dev.orcaset.teacher.TeacherException;
import dev.orcaset.teacher.TeacherException.Kind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Gets answers for many requests through a provider's batch API, paying for each at most once:
 *
 * <ol>
 *   <li>requests an open batch in the ledger already covers (a run that crashed or returned with
 *       `--no-wait`) are not submitted again: that batch is polled instead;
 *   <li>the rest are split within the provider's limits and submitted; each batch is recorded in
 *       the ledger as soon as the provider accepts it, before anything waits on it;
 *   <li>batches are polled with backoff until final; a batch's results go to {@code sink} (the
 *       caller journals them) and only then is the batch marked collected;
 *   <li>requests an expired or cancelled batch left unanswered are resubmitted, at most
 *       `max_resubmits` times; a failed batch's requests fail with the provider's errors.
 * </ol>
 */
public final class BatchRunner {
  /** OpenAI's error code for a batch refused because too many tokens are queued for the model. */
  static final String QUEUE_FULL = "token_limit_exceeded";

  /** Refusals for the queue taken as "wait and resubmit"; past it, as the batch failing. */
  static final int MAX_QUEUE_REFUSALS = 50;

  private int queueRefusals;

  private final Random random = new Random();

  /** Batches the provider has finished: they no longer hold queue, collected or not. */
  private final Set<String> finished = new HashSet<>();

  private final BatchApi api;
  private final BatchLedger ledger;
  private final BatchConfig cfg;
  private final String runId;
  private final Map<String, String> metadata;
  private final Sleeper sleeper;
  private final Consumer<String> log;

  public BatchRunner(
      BatchApi api,
      BatchLedger ledger,
      BatchConfig cfg,
      String runId,
      Map<String, String> metadata,
      Sleeper sleeper,
      Consumer<String> log) {
    this.api = api;
    this.ledger = ledger;
    this.cfg = cfg;
    this.runId = runId;
    this.metadata = Map.copyOf(metadata);
    this.sleeper = sleeper;
    this.log = log;
  }

  /** A batch being waited on, and the requests of it that this run wants. */
  private record Active(BatchRecord record, Set<String> wanted) {}

  /**
   * Submits what no open batch covers; with {@code wait}, polls until every request has a result
   * and hands each batch's results to {@code sink} (called once per batch, from this thread).
   *
   * @return the batches this call submitted or adopted
   */
  public List<BatchRecord> run(
      Map<String, BatchItem> items, boolean wait, Consumer<List<BatchResult>> sink)
      throws IOException, InterruptedException {
    List<BatchRecord> touched = submit(items);
    if (wait) {
      collect(touched, items, sink);
    }
    return touched;
  }

  /**
   * Adopts the open batches that cover any of {@code items} and submits the rest, in waves under
   * `max_enqueued_tokens`: returns every batch that now holds them, without waiting on any.
   */
  public List<BatchRecord> submit(Map<String, BatchItem> items)
      throws IOException, InterruptedException {
    List<BatchRecord> touched = new ArrayList<>();
    Set<String> covered = new HashSet<>();
    for (BatchRecord open : ledger.openCovering(items.keySet())) {
      Set<String> wanted = wanted(open, items);
      touched.add(open);
      covered.addAll(wanted);
      log.accept(
          "batch "
              + open.batchId()
              + ": submitted earlier (run "
              + open.runId()
              + "), "
              + wanted.size()
              + " of its requests still wanted; polling it instead of submitting again");
    }
    Map<String, BatchItem> rest = new LinkedHashMap<>(items);
    rest.keySet().removeAll(covered);
    submit(rest, 1).forEach(a -> touched.add(a.record()));
    return touched;
  }

  /**
   * Polls {@code batches} until each is final and its results for {@code items} are in {@code
   * sink}.
   */
  public void collect(
      List<BatchRecord> batches, Map<String, BatchItem> items, Consumer<List<BatchResult>> sink)
      throws IOException, InterruptedException {
    List<Active> active = new ArrayList<>();
    for (BatchRecord b : batches) {
      Set<String> wanted = wanted(b, items);
      if (!wanted.isEmpty()) {
        active.add(new Active(b, wanted));
      }
    }
    poll(active, items, sink);
  }

  /** The items of a batch's requests this run still wants: what a resubmission sends. */
  private static Map<String, BatchItem> wantedItems(Active a, Map<String, BatchItem> items) {
    Map<String, BatchItem> out = new LinkedHashMap<>();
    a.wanted().forEach(h -> out.put(h, items.get(h)));
    return out;
  }

  private static Set<String> wanted(BatchRecord b, Map<String, BatchItem> items) {
    Set<String> wanted = new HashSet<>(b.requestHashes());
    wanted.retainAll(items.keySet());
    return wanted;
  }

  private List<Active> submit(Map<String, BatchItem> items, int attempt)
      throws IOException, InterruptedException {
    List<Active> out = new ArrayList<>();
    for (List<BatchItem> chunk : split(new ArrayList<>(items.values()))) {
      long tokens = chunk.stream().mapToLong(BatchItem::enqueuedTokens).sum();
      BatchLedger.Claim claim = awaitQueueRoom(tokens);
      BatchStatus s;
      try {
        s = api.submit(chunk, metadata);
      } catch (IOException | RuntimeException e) {
        release(claim);
        throw e;
      }
      List<String> hashes = chunk.stream().map(BatchItem::customId).toList();
      BatchRecord record =
          new BatchRecord(
              s.id(),
              api.provider(),
              runId,
              System.currentTimeMillis(),
              attempt,
              false,
              null,
              hashes,
              tokens);
      ledger.save(record);
      release(claim); // the batch is in the ledger now, counted there
      log.accept(
          "batch "
              + s.id()
              + ": submitted "
              + chunk.size()
              + " requests, about "
              + tokens
              + " tokens queued"
              + (attempt > 1 ? " (resubmission " + (attempt - 1) + ")" : ""));
      out.add(new Active(record, new HashSet<>(hashes)));
    }
    return out;
  }

  /**
   * Waits until {@code tokens} more fit under `max_enqueued_tokens` beside every batch of this
   * journal still running at the provider (by the ledger, so workers that share the journal share
   * the budget) and every file other workers are about to submit, and returns this worker's claim
   * on that room (null without a budget). The claim is written before the queue is read: of two
   * workers that look at once, at least one sees the other's claim and backs off for a random
   * moment, so the budget is never taken twice. A file that alone exceeds the budget is submitted
   * once nothing else is queued or claimed.
   */
  private BatchLedger.Claim awaitQueueRoom(long tokens) throws IOException, InterruptedException {
    long budget = cfg.maxEnqueuedTokens();
    if (budget <= 0) {
      return null;
    }
    long delay = cfg.pollSeconds() * 1000L;
    int conflicts = 0;
    while (true) {
      BatchLedger.Claim claim = ledger.claim(tokens);
      long claimed = ledger.claimedByOthers(claim);
      long queued = queuedTokens();
      if ((queued == 0 && claimed == 0) || queued + claimed + tokens <= budget) {
        return claim;
      }
      ledger.release(claim);
      if (queued + tokens <= budget || queued == 0) {
        // Room taken by another worker's file in the same moment: try again after a random
        // moment, so two that keep meeting do not keep backing off together.
        conflicts++;
        long most = Math.min(Math.max(500, delay), 500L * conflicts);
        sleeper.sleep(50 + (long) (random.nextDouble() * most));
        continue;
      }
      log.accept(
          "batch queue: "
              + queued
              + " of "
              + budget
              + " enqueued tokens in use; the next file ("
              + tokens
              + ") waits for running batches to finish");
      sleeper.sleep(delay);
      delay = Math.min(cfg.maxPollSeconds() * 1000L, delay * 3 / 2);
    }
  }

  /** What this journal's batches still running at the provider hold of its queue. */
  private long queuedTokens() throws IOException {
    long queued = 0;
    for (BatchLedger.Head h : ledger.heads()) {
      if (h.collected() || h.enqueuedTokens() == 0 || finished.contains(h.batchId())) {
        continue;
      }
      BatchStatus s = api.get(h.batchId());
      if (s.state().isFinal()) {
        finished.add(h.batchId());
      } else {
        queued += h.enqueuedTokens();
      }
    }
    return queued;
  }

  private void release(BatchLedger.Claim claim) throws IOException {
    if (claim != null) {
      ledger.release(claim);
    }
  }

  /** Consecutive runs of items within the request and byte limits. */
  List<List<BatchItem>> split(List<BatchItem> items) {
    List<List<BatchItem>> chunks = new ArrayList<>();
    List<BatchItem> current = new ArrayList<>();
    long bytes = 0;
    for (BatchItem item : items) {
      long size = api.sizeOf(item);
      if (!current.isEmpty()
          && (current.size() >= cfg.maxRequests() || bytes + size > cfg.maxBytes())) {
        chunks.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(item);
      bytes += size;
    }
    if (!current.isEmpty()) {
      chunks.add(current);
    }
    return chunks;
  }

  private void poll(
      List<Active> active, Map<String, BatchItem> items, Consumer<List<BatchResult>> sink)
      throws IOException, InterruptedException {
    long delay = cfg.pollSeconds() * 1000L;
    while (!active.isEmpty()) {
      List<Active> next = new ArrayList<>();
      for (Active a : active) {
        BatchStatus s;
        try {
          s = api.get(a.record().batchId());
        } catch (TeacherException e) {
          if (e.httpStatus() != 404) {
            throw e;
          }
          // The provider does not know the batch (an in-process simulated teacher that was
          // restarted, a batch deleted by hand): nothing of it can be collected, so its
          // requests are submitted again.
          log.accept(
              "batch "
                  + a.record().batchId()
                  + ": unknown to the provider (HTTP 404); submitting its "
                  + a.wanted().size()
                  + " requests again");
          ledger.save(a.record().collected("not_found"));
          next.addAll(submit(wantedItems(a, items), a.record().attempt()));
          continue;
        }
        if (!s.state().isFinal()) {
          log.accept(
              "batch "
                  + s.id()
                  + ": "
                  + s.providerStatus()
                  + ", "
                  + s.completed()
                  + "/"
                  + s.total()
                  + " done"
                  + (s.failed() > 0 ? ", " + s.failed() + " failed" : ""));
          next.add(a);
          continue;
        }
        next.addAll(finish(a, s, items, sink));
      }
      active = next;
      if (!active.isEmpty()) {
        sleeper.sleep(delay);
        delay = Math.min(cfg.maxPollSeconds() * 1000L, delay * 3 / 2);
      }
    }
  }

  /** Collects a final batch; returns the resubmission of what it left unanswered, if any. */
  private List<Active> finish(
      Active a, BatchStatus s, Map<String, BatchItem> items, Consumer<List<BatchResult>> sink)
      throws IOException, InterruptedException {
    Map<String, BatchResult> results = new HashMap<>();
    if (s.state() == BatchStatus.State.FAILED
        && String.valueOf(s.errors()).contains(QUEUE_FULL)
        && ++queueRefusals <= MAX_QUEUE_REFUSALS) {
      // Refused before any request ran, for the queue, not the requests: nothing was paid, so
      // they go again (as the same attempt) once the queue has room.
      log.accept(
          "batch "
              + s.id()
              + ": refused, the provider's enqueued-token limit was reached; submitting its "
              + a.wanted().size()
              + " requests again when running batches finish"
              + (cfg.maxEnqueuedTokens() > 0
                  ? ""
                  : " (set teacher.batch.max_enqueued_tokens to the model's limit to wait"
                      + " instead)"));
      ledger.save(a.record().collected("token_limit_exceeded"));
      sleeper.sleep(cfg.pollSeconds() * 1000L);
      return submit(wantedItems(a, items), a.record().attempt());
    }
    if (s.state() == BatchStatus.State.FAILED) {
      log.accept("batch " + s.id() + ": failed: " + s.errors());
      for (String hash : a.wanted()) {
        results.put(
            hash,
            BatchResult.failed(
                hash,
                new TeacherException(
                    Kind.RETRYABLE,
                    0,
                    "batch_failed",
                    "the batch " + s.id() + " failed: " + s.errors(),
                    1)));
      }
    } else {
      api.results(
          s,
          r -> {
            if (a.wanted().contains(r.customId())) {
              results.put(r.customId(), r);
            }
          });
    }
    Map<String, BatchItem> missing = new LinkedHashMap<>();
    for (String hash : a.wanted()) {
      if (!results.containsKey(hash)) {
        missing.put(hash, items.get(hash));
      }
    }
    boolean resubmit = !missing.isEmpty() && a.record().attempt() <= cfg.maxResubmits();
    if (!missing.isEmpty() && !resubmit) {
      for (String hash : missing.keySet()) {
        results.put(
            hash,
            BatchResult.failed(
                hash,
                new TeacherException(
                    Kind.RETRYABLE,
                    0,
                    "batch_" + s.providerStatus(),
                    "no answer after "
                        + a.record().attempt()
                        + " batch submissions (last batch "
                        + s.id()
                        + " "
                        + s.providerStatus()
                        + ")",
                    a.record().attempt())));
      }
    }
    log.accept(
        "batch "
            + s.id()
            + ": "
            + s.providerStatus()
            + ", collected "
            + results.size()
            + " results");
    // Journal first, then mark collected, then resubmit: a crash between any two steps leaves
    // each request either answered in the journal or in exactly one open batch, or in neither
    // (and then the next run submits it once).
    sink.accept(new ArrayList<>(results.values()));
    ledger.save(a.record().collected(s.providerStatus()));
    if (!resubmit) {
      return List.of();
    }
    log.accept(
        "batch "
            + s.id()
            + ": "
            + s.providerStatus()
            + " with "
            + missing.size()
            + " requests unanswered; resubmitting only those");
    List<Active> resubmitted = submit(missing, a.record().attempt() + 1);
    return resubmitted;
  }
}
