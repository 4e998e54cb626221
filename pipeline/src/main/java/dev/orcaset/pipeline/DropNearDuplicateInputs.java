package dev.orcaset.pipeline;

import dev.orcaset.io.RecordCoder;
import dev.orcaset.model.DropReason;
import dev.orcaset.model.DroppedRecord;
import dev.orcaset.model.FlanRecord;
import dev.orcaset.model.Hashes;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableBiFunction;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Drops inputs that are near copies of another input (the same question with a changed name or
 * number, a template filled twice), before any money is spent on them. Similarity is the Jaccard
 * overlap of word 3-grams, estimated with {@value #HASHES} MinHash values; candidates come from
 * locality-sensitive hashing ({@value #BANDS} bands of {@value #ROWS}), so inputs are never
 * compared all against all. Of two similar inputs the one with the smaller id is kept.
 */
public final class DropNearDuplicateInputs
    extends PTransform<PCollection<FlanRecord>, PCollectionTuple> {
  static final int HASHES = 64;
  static final int BANDS = 16;
  static final int ROWS = HASHES / BANDS;

  private final double threshold;

  public DropNearDuplicateInputs(double threshold) {
    this.threshold = threshold;
  }

  /** One input's signature, kept small: the id and its MinHash values. */
  record Signed(String id, List<Long> minHashes) implements Serializable {}

  /** The input {@code id} is a near copy of the input {@code like}, with estimated similarity. */
  record NearCopy(String like, double similarity) implements Serializable {}

  @Override
  public PCollectionTuple expand(PCollection<FlanRecord> records) {
    var signedCoder = RecordCoder.of(Signed.class);
    var nearCoder = RecordCoder.of(NearCopy.class);
    PCollection<KV<String, NearCopy>> copies =
        records
            .apply("SignInputs", ParDo.of(new BandFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), signedCoder))
            .apply("GroupByBand", GroupByKey.create())
            .apply("CompareCandidates", ParDo.of(new CompareFn(threshold)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), nearCoder))
            .apply(
                "OnePerInput",
                Combine.perKey(
                    (SerializableBiFunction<NearCopy, NearCopy, NearCopy>)
                        (a, b) -> a.like().compareTo(b.like()) <= 0 ? a : b))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), nearCoder));
    TupleTag<FlanRecord> recordTag = new TupleTag<>();
    TupleTag<NearCopy> copyTag = new TupleTag<>();
    PCollection<KV<String, FlanRecord>> byId =
        records
            .apply("KeyById", WithKeys.of(FlanRecord::id).withKeyType(TypeDescriptors.strings()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), Outcomes.RECORD_CODER));
    PCollectionTuple out =
        KeyedPCollectionTuple.of(recordTag, byId)
            .and(copyTag, copies)
            .apply("JoinVerdicts", CoGroupByKey.create())
            .apply(
                "KeepOrDrop",
                ParDo.of(
                        new DoFn<KV<String, CoGbkResult>, FlanRecord>() {
                          @ProcessElement
                          public void process(
                              @Element KV<String, CoGbkResult> e, MultiOutputReceiver o) {
                            NearCopy copy = e.getValue().getOnly(copyTag, null);
                            for (FlanRecord r : e.getValue().getAll(recordTag)) {
                              if (copy == null) {
                                o.get(Outcomes.RECORDS).output(r);
                              } else {
                                o.get(Outcomes.DROPPED)
                                    .output(
                                        DroppedRecord.of(
                                            r,
                                            DropReason.NEAR_DUPLICATE_INPUT,
                                            String.format(
                                                Locale.ROOT,
                                                "about %.2f similar to input %s",
                                                copy.similarity(),
                                                copy.like())));
                              }
                            }
                          }
                        })
                    .withOutputTags(Outcomes.RECORDS, TupleTagList.of(Outcomes.DROPPED)));
    return Outcomes.withCoders(out);
  }

  /** The MinHash signature of a text's word 3-grams (single words for texts under three words). */
  static long[] signature(String text) {
    String[] words =
        text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").trim().split(" ");
    Set<String> shingles = new HashSet<>();
    if (words.length < 3) {
      shingles.addAll(Arrays.asList(words));
    } else {
      for (int i = 0; i + 3 <= words.length; i++) {
        shingles.add(words[i] + ' ' + words[i + 1] + ' ' + words[i + 2]);
      }
    }
    long[] min = new long[HASHES];
    Arrays.fill(min, Long.MAX_VALUE);
    for (String shingle : shingles) {
      long h = Hashes.key64(shingle);
      for (int i = 0; i < HASHES; i++) {
        long v = mix(h + 0x9E3779B97F4A7C15L * (i + 1));
        if (v < min[i]) {
          min[i] = v;
        }
      }
    }
    return min;
  }

  static double similarity(List<Long> a, List<Long> b) {
    int same = 0;
    for (int i = 0; i < HASHES; i++) {
      same += a.get(i).equals(b.get(i)) ? 1 : 0;
    }
    return same / (double) HASHES;
  }

  /** SplitMix64's finalizer: one well-mixed hash function per seed. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static final class BandFn extends DoFn<FlanRecord, KV<String, Signed>> {
    @ProcessElement
    public void process(@Element FlanRecord r, OutputReceiver<KV<String, Signed>> out) {
      long[] sig = signature(r.inputs());
      List<Long> values = Arrays.stream(sig).boxed().toList();
      Signed signed = new Signed(r.id(), values);
      for (int b = 0; b < BANDS; b++) {
        StringBuilder key = new StringBuilder().append(b);
        for (int i = b * ROWS; i < (b + 1) * ROWS; i++) {
          key.append(':').append(Long.toHexString(sig[i]));
        }
        out.output(KV.of(key.toString(), signed));
      }
    }
  }

  static final class CompareFn extends DoFn<KV<String, Iterable<Signed>>, KV<String, NearCopy>> {
    private final double threshold;

    CompareFn(double threshold) {
      this.threshold = threshold;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<Signed>> band, OutputReceiver<KV<String, NearCopy>> out) {
      List<Signed> members = new ArrayList<>();
      band.getValue().forEach(members::add);
      if (members.size() < 2) {
        return;
      }
      members.sort((a, b) -> a.id().compareTo(b.id()));
      for (int j = 1; j < members.size(); j++) {
        for (int i = 0; i < j; i++) {
          double s = similarity(members.get(i).minHashes(), members.get(j).minHashes());
          if (s >= threshold && !members.get(i).id().equals(members.get(j).id())) {
            out.output(KV.of(members.get(j).id(), new NearCopy(members.get(i).id(), s)));
            break;
          }
        }
      }
    }
  }
}
