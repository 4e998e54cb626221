package dev.orcaset.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orcaset.flan.FlanRecord;
import dev.orcaset.flan.FlanRecordParser;
import dev.orcaset.flan.Origin;
import dev.orcaset.flan.Rejection;
import dev.orcaset.io.ReadableFileInput;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;

/**
 * Reads FLAN v2 records from JSONL (plain or gzipped) and Parquet files through Beam's
 * FileSystems.
 *
 * <p>Output: {@link Outcomes#RECORDS} valid records; {@link Outcomes#REJECTED} lines that are not
 * JSON objects or lack usable `inputs`, with file, line and reason; {@link Outcomes#LINES} one
 * count of non-blank lines (rows) per file, the `input_records` of the manifest.
 *
 * <pre>{@code
 * PCollectionTuple read = p.apply("ReadFlanRecords", new ReadFlanRecords(List.of("in/*.jsonl.gz")));
 * }</pre>
 */
public final class ReadFlanRecords extends PTransform<PBegin, PCollectionTuple> {
  private final List<String> patterns;

  public ReadFlanRecords(List<String> patterns) {
    this.patterns = List.copyOf(patterns);
  }

  @Override
  public PCollectionTuple expand(PBegin input) {
    PCollectionTuple out = input
        .apply("ListPatterns", Create.of(patterns))
        // The launcher already refused patterns matching nothing; a file vanishing since is fatal.
        .apply("MatchFiles", FileIO.matchAll().withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW))
        .apply("OpenFiles", FileIO.readMatches().withCompression(Compression.AUTO))
        .apply("ParseRecords", ParDo.of(new ParseFileFn())
            .withOutputTags(Outcomes.RECORDS, TupleTagList.of(Outcomes.REJECTED).and(Outcomes.LINES)));
    return Outcomes.withCoders(out);
  }

  static final class ParseFileFn extends DoFn<FileIO.ReadableFile, FlanRecord> {
    private final FlanRecordParser parser = new FlanRecordParser();

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out) throws IOException {
      String name = file.getMetadata().resourceId().toString();
      long rows = name.endsWith(".parquet") ? readParquet(file, name, out) : readJsonLines(file, name, out);
      out.get(Outcomes.LINES).output(rows);
    }

    private long readJsonLines(FileIO.ReadableFile file, String name, MultiOutputReceiver out)
        throws IOException {
      long nonBlank = 0;
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(Channels.newInputStream(file.open()), StandardCharsets.UTF_8))) {
        long lineNo = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          lineNo++;
          if (line.isBlank()) {
            continue;
          }
          nonBlank++;
          emit(parser.parseLine(line, new Origin(name, lineNo)), out);
        }
      }
      return nonBlank;
    }

    private long readParquet(FileIO.ReadableFile file, String name, MultiOutputReceiver out)
        throws IOException {
      long row = 0;
      try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(
              new ReadableFileInput(file)).withDataModel(GenericData.get()).build()) {
        for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
          row++;
          ObjectNode node = toJson(r);
          emit(parser.parseNode(node, new Origin(name, row), node.toString()), out);
        }
      }
      return row;
    }

    private static ObjectNode toJson(GenericRecord r) {
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      for (Schema.Field f : r.getSchema().getFields()) {
        Object v = r.get(f.pos());
        if (v == null) {
          node.putNull(f.name());
        } else if (v instanceof Integer i) {
          node.put(f.name(), i);
        } else if (v instanceof Long l) {
          node.put(f.name(), l);
        } else if (v instanceof Number n) {
          node.put(f.name(), n.doubleValue());
        } else {
          node.put(f.name(), v.toString());
        }
      }
      return node;
    }

    private static void emit(FlanRecordParser.Parsed parsed, MultiOutputReceiver out) {
      if (parsed.record() != null) {
        out.get(Outcomes.RECORDS).output(parsed.record());
      } else {
        out.get(Outcomes.REJECTED).output(parsed.rejection());
      }
    }
  }
}
