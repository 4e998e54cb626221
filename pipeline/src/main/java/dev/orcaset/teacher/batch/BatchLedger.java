package dev.orcaset.teacher.batch;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orcaset.io.Json;
import dev.orcaset.io.JsonFiles;
import java.io.IOException;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;

/**
 * The submitted batches, one JSON file each under the journal's `batches/` folder (any Beam file
 * system). A batch is recorded the moment the provider accepts it, so a crash or `--no-wait` never
 * loses a batch that is being paid for.
 */
public final class BatchLedger {
  private static final ObjectMapper JSON = Json.mapper();

  private static final Comparator<BatchRecord> ORDER =
      Comparator.comparingLong(BatchRecord::submittedAtMillis).thenComparing(BatchRecord::batchId);

  private final String dir;

  public BatchLedger(String journalDir) {
    this.dir = (journalDir.endsWith("/") ? journalDir : journalDir + "/") + "batches";
  }

  public String dir() {
    return dir;
  }

  public void save(BatchRecord record) throws IOException {
    // Written whole: a reader sees the old record or the new one (FileSystems.create replaces).
    JsonFiles.writeText(
        dir, safe(record.batchId()) + ".json", JSON.writeValueAsString(record), "application/json");
  }

  /** Every recorded batch, oldest first. */
  public List<BatchRecord> all() throws IOException {
    List<BatchRecord> out = new ArrayList<>();
    for (MatchResult.Metadata m : files()) {
      out.add(read(m));
    }
    out.sort(ORDER);
    return out;
  }

  /** Batches whose results are not in the journal yet. */
  public List<BatchRecord> open() throws IOException {
    return all().stream().filter(r -> !r.collected()).toList();
  }

  /**
   * Open batches holding any of {@code wanted}, read one record at a time: a worker with one file's
   * requests keeps only the few batches that cover them, not the whole ledger (5M hashes at Orca
   * scale).
   */
  public List<BatchRecord> openCovering(Set<String> wanted) throws IOException {
    List<BatchRecord> out = new ArrayList<>();
    for (MatchResult.Metadata m : files()) {
      BatchRecord r = read(m);
      if (!r.collected() && r.requestHashes().stream().anyMatch(wanted::contains)) {
        out.add(r);
      }
    }
    out.sort(ORDER);
    return out;
  }

  /** What an open batch holds of the enqueued-token limit, without its request hashes. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Head(String batchId, boolean collected, long enqueuedTokens) {}

  /** Every batch's head: what a submitter reads to see how much of the queue is in use. */
  public List<Head> heads() throws IOException {
    List<Head> out = new ArrayList<>();
    for (MatchResult.Metadata m : files()) {
      out.add(read(m, Head.class));
    }
    return out;
  }

  /**
   * A worker's claim on queue room for a file it is about to submit: written before it looks at
   * what others queue, removed once its batch is in the ledger (or it backs off). Any two workers
   * that claim at once see at least one of the other's claims, so the budget is never taken twice.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Claim(String id, long tokens, long atMillis) {}

  /**
   * How long a claim counts: a worker killed between claiming and submitting leaves one behind,
   * which must not hold the queue for good; an upload of one 200 MB file takes far less.
   */
  static final long CLAIM_TTL_MILLIS = 15 * 60_000L;

  /** Claims {@code tokens} of queue room for this worker. */
  public Claim claim(long tokens) throws IOException {
    Claim c = new Claim(UUID.randomUUID().toString(), tokens, System.currentTimeMillis());
    JsonFiles.writeText(claims(), c.id() + ".json", JSON.writeValueAsString(c), "application/json");
    return c;
  }

  /** The tokens other workers claim now (claims older than {@link #CLAIM_TTL_MILLIS} are not). */
  public long claimedByOthers(Claim own) throws IOException {
    long now = System.currentTimeMillis();
    long tokens = 0;
    for (MatchResult.Metadata m :
        FileSystems.match(claims() + "/*.json", EmptyMatchTreatment.ALLOW).metadata()) {
      Claim c;
      try {
        c = read(m, Claim.class);
      } catch (IOException released) {
        continue; // removed between the listing and the read: it holds nothing
      }
      if (!c.id().equals(own.id()) && now - c.atMillis() < CLAIM_TTL_MILLIS) {
        tokens += c.tokens();
      }
    }
    return tokens;
  }

  public void release(Claim c) throws IOException {
    FileSystems.delete(
        List.of(JsonFiles.resource(claims(), c.id() + ".json")),
        MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
  }

  private String claims() {
    return dir + "/claims";
  }

  private List<MatchResult.Metadata> files() throws IOException {
    return FileSystems.match(dir + "/*.json", EmptyMatchTreatment.ALLOW).metadata();
  }

  private static BatchRecord read(MatchResult.Metadata m) throws IOException {
    return read(m, BatchRecord.class);
  }

  private static <T> T read(MatchResult.Metadata m, Class<T> type) throws IOException {
    try (Reader r = Channels.newReader(FileSystems.open(m.resourceId()), StandardCharsets.UTF_8)) {
      return JSON.readValue(r, type);
    }
  }

  private static String safe(String id) {
    return id.replaceAll("[^A-Za-z0-9_.-]", "_");
  }
}
