package dev.orcaset.pipeline;

import dev.orcaset.io.RecordCoder;
import dev.orcaset.journal.JournalEntry;
import dev.orcaset.journal.JournalFiles;
import java.io.IOException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the answers earlier runs paid for, keyed by request hash. A line that does not parse is
 * logged with its file and line and counted, then skipped: that question is asked again.
 */
public final class ReadJournal extends PTransform<PBegin, PCollection<KV<String, JournalEntry>>> {
  static final Coder<KV<String, JournalEntry>> CODER =
      KvCoder.of(StringUtf8Coder.of(), RecordCoder.of(JournalEntry.class));

  private final String dir;

  public ReadJournal(String dir) {
    this.dir = dir;
  }

  @Override
  public PCollection<KV<String, JournalEntry>> expand(PBegin begin) {
    return begin
        .apply(
            "MatchSlices",
            FileIO.match()
                .filepattern(JournalFiles.slicePattern(dir))
                .withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW))
        .apply("OnlySlices", Filter.by(m -> JournalFiles.isSlice(m.resourceId().getFilename())))
        .apply("Open", FileIO.readMatches())
        .apply("Parse", ParDo.of(new ParseSliceFn()))
        .setCoder(CODER);
  }

  static final class ParseSliceFn extends DoFn<FileIO.ReadableFile, KV<String, JournalEntry>> {
    private static final Logger LOG = LoggerFactory.getLogger(ReadJournal.class);
    private final Counter unreadable = Metrics.counter("orcaset", "journal_unreadable_lines");

    @ProcessElement
    public void process(
        @Element FileIO.ReadableFile file, OutputReceiver<KV<String, JournalEntry>> out)
        throws IOException {
      JournalFiles.Slice slice = JournalFiles.read(file.getMetadata().resourceId());
      for (String bad : slice.unreadable()) {
        LOG.warn(
            "journal: skipping an unreadable line (its question will be asked again): {}", bad);
        unreadable.inc();
      }
      for (JournalEntry e : slice.entries()) {
        out.output(KV.of(e.requestHash(), e));
      }
    }
  }
}
