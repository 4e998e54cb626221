package dev.orcaset.pipeline;

import dev.orcaset.io.RecordCoder;
import dev.orcaset.journal.HashFilter;
import dev.orcaset.journal.JournalEntry;
import dev.orcaset.journal.JournalFiles;
import dev.orcaset.journal.JournalIndex;
import java.io.IOException;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the answers earlier runs paid for, keyed by request hash, for the request hashes given (and
 * a few more): a Bloom filter of the wanted hashes is checked against each slice's index, and only
 * the entries it may hold are read, in runs of neighbours, so a refresh of a few thousand questions
 * against a journal of millions reads a few thousand entries, not the journal. Slices without an
 * index are read whole. Counters `journal_bytes_read` and `journal_bytes` say what this cost.
 *
 * <p>A line that does not parse is logged with its file and line and counted, then skipped: that
 * question is asked again.
 */
public final class ReadJournal
    extends PTransform<PCollection<String>, PCollection<KV<String, JournalEntry>>> {
  static final Coder<KV<String, JournalEntry>> CODER =
      KvCoder.of(StringUtf8Coder.of(), RecordCoder.of(JournalEntry.class));

  private final String dir;
  private final Integer otherBoundsThan;

  /** Entries by request hash. */
  public ReadJournal(String dir) {
    this(dir, null);
  }

  /**
   * With {@code otherBoundsThan}, the input is unbounded hashes, and the entries are the answers
   * asked with another token bound, keyed by their unbounded hash.
   */
  public ReadJournal(String dir, Integer otherBoundsThan) {
    this.dir = dir;
    this.otherBoundsThan = otherBoundsThan;
  }

  @Override
  public PCollection<KV<String, JournalEntry>> expand(PCollection<String> wanted) {
    PCollectionView<List<HashFilter>> filter = wantedFilter(wanted, otherBoundsThan != null);
    return wanted
        .getPipeline()
        .apply(
            "MatchSlices",
            FileIO.match()
                .filepattern(JournalFiles.slicePattern(dir))
                .withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW))
        .apply("OnlySlices", Filter.by(m -> JournalFiles.isSlice(m.resourceId().getFilename())))
        .apply("Parse", ParDo.of(new ParseSliceFn(filter, otherBoundsThan)).withSideInputs(filter))
        .setCoder(CODER);
  }

  /**
   * A Bloom filter of the {@code wanted} hashes (unbounded ones by their 32-bit prefix), as a side
   * input: read it with {@link #wantedOf}.
   */
  static PCollectionView<List<HashFilter>> wantedFilter(
      PCollection<String> wanted, boolean unbounded) {
    // Without defaults, and as a list: an empty run's default filter would be 8 MiB of Java
    // serialization in the job graph. No filter means nothing is wanted.
    return wanted
        .apply("WantedFilter", Combine.globally(new FilterFn(unbounded)).withoutDefaults())
        .setCoder(new HashFilter.Coder())
        .apply("NeverEmpty", new WithPlaceholder<>(new HashFilter()))
        .apply("AsSideInput", View.asList());
  }

  /** The run's filter, if it wants anything (beside the empty placeholder); else null. */
  static HashFilter wantedOf(List<HashFilter> side) {
    return side.stream().filter(f -> !f.isEmpty()).findFirst().orElse(null);
  }

  static final class FilterFn extends Combine.CombineFn<String, HashFilter, HashFilter> {
    private final boolean unbounded;

    /** {@code unbounded}: the hashes are unbounded ones, which the index keys by 32 bits. */
    FilterFn(boolean unbounded) {
      this.unbounded = unbounded;
    }

    @Override
    public HashFilter createAccumulator() {
      return new HashFilter();
    }

    @Override
    public HashFilter addInput(HashFilter acc, String hash) {
      acc.add(unbounded ? JournalIndex.unboundedPrefix(hash) : JournalIndex.prefix(hash));
      return acc;
    }

    @Override
    public HashFilter mergeAccumulators(Iterable<HashFilter> accs) {
      HashFilter merged = new HashFilter();
      accs.forEach(merged::merge);
      return merged;
    }

    @Override
    public HashFilter extractOutput(HashFilter acc) {
      return acc;
    }

    @Override
    public Coder<HashFilter> getAccumulatorCoder(CoderRegistry registry, Coder<String> in) {
      return new HashFilter.Coder();
    }

    @Override
    public Coder<HashFilter> getDefaultOutputCoder(CoderRegistry registry, Coder<String> in) {
      return new HashFilter.Coder();
    }
  }

  static final class ParseSliceFn extends DoFn<MatchResult.Metadata, KV<String, JournalEntry>> {
    private static final Logger LOG = LoggerFactory.getLogger(ReadJournal.class);
    private final Counter unreadable = Metrics.counter("orcaset", "journal_unreadable_lines");
    private final Counter bytesRead = Metrics.counter("orcaset", "journal_bytes_read");
    private final Counter bytes = Metrics.counter("orcaset", "journal_bytes");
    private final PCollectionView<List<HashFilter>> filter;
    private final Integer otherBoundsThan;

    ParseSliceFn(PCollectionView<List<HashFilter>> filter, Integer otherBoundsThan) {
      this.filter = filter;
      this.otherBoundsThan = otherBoundsThan;
    }

    @ProcessElement
    public void process(
        @Element MatchResult.Metadata file,
        OutputReceiver<KV<String, JournalEntry>> out,
        ProcessContext c)
        throws IOException {
      boolean unbounded = otherBoundsThan != null;
      if (!unbounded) {
        bytes.inc(file.sizeBytes()); // the journal's size, once, though both lookups read it
      }
      HashFilter wanted = wantedOf(c.sideInput(filter));
      if (wanted == null) {
        return;
      }
      JournalFiles.Slice slice =
          unbounded
              ? JournalFiles.readOtherBounds(
                  file.resourceId(), wanted::mightContain, otherBoundsThan)
              : JournalFiles.read(file.resourceId(), wanted::mightContain);
      bytesRead.inc(slice.bytesRead());
      for (String bad : slice.unreadable()) {
        LOG.warn(
            "journal: skipping an unreadable line (its question will be asked again): {}", bad);
        unreadable.inc();
      }
      for (JournalEntry e : slice.entries()) {
        String key = unbounded ? e.unboundedHash() : e.requestHash();
        if (key != null) {
          out.output(KV.of(key, e));
        }
      }
    }
  }
}
