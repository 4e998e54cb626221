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
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;

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
