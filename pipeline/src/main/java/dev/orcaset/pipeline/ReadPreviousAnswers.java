package dev.orcaset.pipeline;

import dev.orcaset.io.ReadableFileInput;
import dev.orcaset.io.SampleSchema;
import dev.orcaset.journal.HashFilter;
import dev.orcaset.journal.JournalEntry;
import dev.orcaset.journal.JournalIndex;
import dev.orcaset.model.ChatCompletion;
import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.schema.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers the previous snapshot holds, as journal entries keyed by request hash, for the
 * request hashes given. On a scheduled refresh nearly every question is a row of the snapshot
 * already, and its answer is there in a few Parquet columns; taking it from there leaves the
 * journal to the new questions, so a refresh of 1% new inputs reads the journal's indexes and
 * little else. The row is then built again from the answer as any reused one is ({@link Rows}), so
 * license verdicts, target checks and filters of this run apply.
 *
 * <p>A file's answer columns are read only when at least {@link #WORTH_READING} of its rows may be
 * wanted: for fewer, the journal's index finds their entries for less. A run with fewer questions
 * than that is not worth a look; one with fewer questions than the file has rows counts its
 * questions in the file by the `request_hash` column first; one with more (a re-run, a refresh)
 * reads the answers at once. Files without one of the columns (written by an older version) are
 * left to the journal. Counters `snapshot_answers`, `snapshot_bytes_read` and `snapshot_bytes` say
 * what this cost.
 */
public final class ReadPreviousAnswers
    extends PTransform<PCollection<String>, PCollection<KV<String, JournalEntry>>> {
  /**
   * The share of a file's rows wanted above which its answers cost less to read than to look up.
   */
  static final double WORTH_READING = 0.25;

  private static final Schema HASH = SampleSchema.projection("request_hash");
  private static final Schema ANSWER =
      SampleSchema.projection(
          "request_hash",
          "response",
          "reasoning",
          "served_model",
          "finish_reason",
          "prompt_tokens",
          "completion_tokens",
          "reasoning_tokens",
          "attempts",
          "generated_at",
          "run_id");

  private final String dataDir;

  /** {@code dataDir}: the output's `data/` folder, which holds the snapshot a run replaces. */
  public ReadPreviousAnswers(String dataDir) {
    this.dataDir = dataDir;
  }

  /** The previous snapshot's data files, wherever its partitions put them. */
  static String pattern(String dataDir) {
    return dataDir + "/**/*.parquet";
  }

  /** Whether there is no previous snapshot to read (a first run). */
  static boolean isEmpty(String dataDir) {
    try {
      MatchResult r = FileSystems.match(pattern(dataDir), EmptyMatchTreatment.ALLOW);
      return r.status() != MatchResult.Status.OK || r.metadata().isEmpty();
    } catch (IOException e) {
      return false; // let the pipeline read it and report what is wrong
    }
  }

  @Override
  public PCollection<KV<String, JournalEntry>> expand(PCollection<String> wanted) {
    PCollectionView<List<HashFilter>> filter = ReadJournal.wantedFilter(wanted, false);
    return wanted
        .getPipeline()
        .apply(
            "MatchPrevious",
            FileIO.match()
                .filepattern(pattern(dataDir))
                .withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW))
        .apply("Answers", ParDo.of(new AnswersFn(filter)).withSideInputs(filter))
        .setCoder(ReadJournal.CODER);
  }

  static final class AnswersFn extends DoFn<MatchResult.Metadata, KV<String, JournalEntry>> {
    private static final Logger LOG = LoggerFactory.getLogger(ReadPreviousAnswers.class);
    private final Counter answers = Metrics.counter("orcaset", "snapshot_answers");
    private final Counter bytesRead = Metrics.counter("orcaset", "snapshot_bytes_read");
    private final Counter bytes = Metrics.counter("orcaset", "snapshot_bytes");
    private final PCollectionView<List<HashFilter>> filter;

    AnswersFn(PCollectionView<List<HashFilter>> filter) {
      this.filter = filter;
    }

    @ProcessElement
    public void process(
        @Element MatchResult.Metadata file,
        OutputReceiver<KV<String, JournalEntry>> out,
        ProcessContext c)
        throws IOException {
      HashFilter wanted = ReadJournal.wantedOf(c.sideInput(filter));
      if (wanted == null) {
        return;
      }
      bytes.inc(file.sizeBytes());
      ReadableFileInput input = new ReadableFileInput(file, bytesRead::inc);
      MessageType schema;
      long rows;
      try (ParquetFileReader footer = ParquetFileReader.open(input)) {
        schema = footer.getFooter().getFileMetaData().getSchema();
        rows = footer.getRecordCount();
      }
      if (rows == 0 || wanted.size() < WORTH_READING * rows) {
        return; // too few of this run's questions to be worth it, whichever they are
      }
      for (Schema.Field f : ANSWER.getFields()) {
        if (!schema.containsField(f.name())) {
          LOG.info(
              "{} has no {} column (an older version wrote it): its answers come from the journal",
              file.resourceId(),
              f.name());
          return;
        }
      }
      if (wanted.size() < rows) {
        // Maybe few of them are here: count by the hash column before reading the answers. With
        // more questions than rows (a re-run, a refresh) the count would cost a third of the file.
        long hits = 0;
        try (ParquetReader<GenericRecord> reader = SampleSchema.reader(input, HASH)) {
          for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
            hits += isWanted(wanted, r) ? 1 : 0;
          }
        }
        if (hits < WORTH_READING * rows) {
          return;
        }
      }
      try (ParquetReader<GenericRecord> reader = SampleSchema.reader(input, ANSWER)) {
        for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
          if (isWanted(wanted, r)) {
            String hash = r.get("request_hash").toString();
            out.output(KV.of(hash, entry(hash, r)));
            answers.inc();
          }
        }
      }
    }

    private static boolean isWanted(HashFilter wanted, GenericRecord r) {
      String hash = r.get("request_hash").toString();
      // Not a hash this version writes: no question of this run can have it.
      return hash.length() >= 16
          && hash.chars().limit(16).allMatch(ch -> Character.digit(ch, 16) >= 0)
          && wanted.mightContain(JournalIndex.prefix(hash));
    }

    /**
     * The answer as the journal held it. The content is the row's response with its reasoning in
     * the reasoning field, which {@link dev.orcaset.model.ReasoningSplit} splits into the same two
     * again.
     */
    private static JournalEntry entry(String hash, GenericRecord r) {
      return JournalEntry.answer(
          hash,
          text(r, "run_id"),
          (Long) r.get("generated_at"),
          new ChatCompletion(
              text(r, "response"),
              text(r, "finish_reason"),
              (Long) r.get("prompt_tokens"),
              (Long) r.get("completion_tokens"),
              text(r, "served_model"),
              (Integer) r.get("attempts"),
              text(r, "reasoning"),
              (Long) r.get("reasoning_tokens")));
    }

    private static String text(GenericRecord r, String field) {
      Object v = r.get(field);
      return v == null ? null : v.toString();
    }
  }
}
