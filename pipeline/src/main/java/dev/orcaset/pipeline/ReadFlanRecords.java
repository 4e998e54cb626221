package dev.orcaset.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orcaset.flan.FlanRecordParser;
import dev.orcaset.io.ReadableFileInput;
import dev.orcaset.model.DropReason;
import dev.orcaset.model.FlanRecord;
import dev.orcaset.model.Origin;
import dev.orcaset.model.Rejection;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;

/**
 * Reads FLAN v2 records from JSONL (plain or gzipped) and Parquet files through Beam's FileSystems.
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
    PCollectionTuple out =
        input
            .apply("ListPatterns", Create.of(patterns))
            // The launcher already refused patterns matching nothing; a file vanishing since is
            // fatal.
            .apply(
                "MatchFiles",
                FileIO.matchAll().withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW))
            .apply("OpenFiles", FileIO.readMatches().withCompression(Compression.AUTO))
            .apply(
                "ParseRecords",
                ParDo.of(new ParseFileFn())
                    .withOutputTags(
                        Outcomes.RECORDS, TupleTagList.of(Outcomes.REJECTED).and(Outcomes.LINES)));
    return Outcomes.withCoders(out);
  }

  static final class ParseFileFn extends DoFn<FileIO.ReadableFile, FlanRecord> {
    private final FlanRecordParser parser = new FlanRecordParser();

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out) {
      String name = file.getMetadata().resourceId().toString();
      long rows =
          name.endsWith(".parquet") ? readParquet(file, name, out) : readJsonLines(file, name, out);
      out.get(Outcomes.LINES).output(rows);
    }

    /**
     * Lines are split on bytes and each decoded strictly: a line that is not valid UTF-8 is
     * rejected with its number rather than sent with its bytes silently replaced. A file that stops
     * being readable part way (a truncated `.gz`) keeps the lines read before, and the rest becomes
     * one rejection naming the file and the last good line.
     */
    private long readJsonLines(FileIO.ReadableFile file, String name, MultiOutputReceiver out) {
      long nonBlank = 0;
      long lineNo = 0;
      CharsetDecoder utf8 =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
      try (InputStream in =
          new BufferedInputStream(Channels.newInputStream(file.open()), 1 << 16)) {
        LineBuffer line = new LineBuffer();
        for (boolean more = true; more; ) {
          more = line.readFrom(in);
          if (!more && line.isEmpty()) {
            break;
          }
          lineNo++;
          String text;
          try {
            text = utf8.decode(line.bytes()).toString();
          } catch (CharacterCodingException e) {
            nonBlank++;
            out.get(Outcomes.REJECTED)
                .output(
                    Rejection.of(
                        new Origin(name, lineNo),
                        DropReason.NOT_UTF8,
                        "the line is not valid UTF-8 (byte "
                            + (line.firstBadByte(utf8) + 1)
                            + " of the line); fix the file's encoding",
                        new String(line.array(), 0, line.length(), StandardCharsets.UTF_8)));
            continue;
          }
          if (text.isBlank()) {
            continue;
          }
          nonBlank++;
          emit(parser.parseLine(text, new Origin(name, lineNo)), out);
        }
      } catch (IOException e) {
        nonBlank++;
        out.get(Outcomes.REJECTED).output(unreadableRest(name, lineNo, e));
      }
      return nonBlank;
    }

    private long readParquet(FileIO.ReadableFile file, String name, MultiOutputReceiver out) {
      long row = 0;
      try (ParquetReader<GenericRecord> reader =
          AvroParquetReader.<GenericRecord>builder(new ReadableFileInput(file))
              .withDataModel(GenericData.get())
              .build()) {
        for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
          row++;
          ObjectNode node = toJson(r);
          emit(parser.parseNode(node, new Origin(name, row), node.toString()), out);
        }
      } catch (IOException | RuntimeException e) {
        row++;
        out.get(Outcomes.REJECTED).output(unreadableRest(name, row - 1, e));
      }
      return row;
    }

    /** The part of a file past {@code lastGood} that could not be read, as one rejection. */
    private static Rejection unreadableRest(String name, long lastGood, Exception e) {
      return Rejection.of(
          new Origin(name, lastGood + 1),
          DropReason.UNREADABLE_FILE,
          "the file cannot be read past "
              + (lastGood == 0 ? "its start" : "line " + lastGood)
              + " ("
              + e
              + "); the lines before were read. A truncated or corrupt file: copy it again",
          null);
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

    /** One line's bytes, without its `\n` (or `\r\n`), read from a stream. */
    private static final class LineBuffer {
      private byte[] buf = new byte[256];
      private int len;

      /** Reads the next line; false at the end of the stream (the last line may be unended). */
      boolean readFrom(InputStream in) throws IOException {
        len = 0;
        for (int b = in.read(); b != -1; b = in.read()) {
          if (b == '\n') {
            if (len > 0 && buf[len - 1] == '\r') {
              len--;
            }
            return true;
          }
          if (len == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
          }
          buf[len++] = (byte) b;
        }
        return false;
      }

      boolean isEmpty() {
        return len == 0;
      }

      ByteBuffer bytes() {
        return ByteBuffer.wrap(buf, 0, len);
      }

      byte[] array() {
        return buf;
      }

      int length() {
        return len;
      }

      /** Where decoding fails, for the message: the 0-based offset of the first bad byte. */
      int firstBadByte(CharsetDecoder decoder) {
        ByteBuffer in = bytes();
        CharBuffer chars = CharBuffer.allocate(len + 1);
        decoder.reset();
        CoderResult r = decoder.decode(in, chars, true);
        return r.isError() ? in.position() : len;
      }
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
