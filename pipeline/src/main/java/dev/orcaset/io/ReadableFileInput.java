package dev.orcaset.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.util.function.LongConsumer;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * Lets Parquet read a Beam {@link FileIO.ReadableFile}, so Parquet inputs come through Beam's
 * FileSystems (local, `gs://`…) like JSONL ones, with no Hadoop filesystem configuration.
 */
public final class ReadableFileInput implements InputFile {
  private final MatchResult.Metadata file;
  private final LongConsumer onRead;

  public ReadableFileInput(FileIO.ReadableFile file) {
    this(file.getMetadata());
  }

  /** A file as {@code FileSystems.match} lists it (an uncompressed one: Parquet compresses). */
  public ReadableFileInput(MatchResult.Metadata file) {
    this(file, n -> {});
  }

  /** As above, telling {@code onRead} how many bytes each read took from the file. */
  public ReadableFileInput(MatchResult.Metadata file, LongConsumer onRead) {
    this.file = file;
    this.onRead = onRead;
  }

  @Override
  public long getLength() {
    return file.sizeBytes();
  }

  @Override
  public SeekableInputStream newStream() throws IOException {
    if (!(FileSystems.open(file.resourceId()) instanceof SeekableByteChannel opened)) {
      throw new IOException(file.resourceId() + " cannot be read at random positions");
    }
    SeekableByteChannel channel = new Counting(opened, onRead);
    return new DelegatingSeekableInputStream(Channels.newInputStream(channel)) {
      @Override
      public long getPos() throws IOException {
        return channel.position();
      }

      @Override
      public void seek(long newPos) throws IOException {
        channel.position(newPos);
      }

      @Override
      public void readFully(byte[] bytes, int start, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes, start, len);
        while (buf.hasRemaining()) {
          if (channel.read(buf) < 0) {
            throw new EOFException("unexpected end of " + file.resourceId());
          }
        }
      }
    };
  }

  /** A channel that reports the bytes read through it. */
  private record Counting(SeekableByteChannel in, LongConsumer onRead)
      implements SeekableByteChannel {
    @Override
    public int read(ByteBuffer dst) throws IOException {
      int n = in.read(dst);
      if (n > 0) {
        onRead.accept(n);
      }
      return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      throw new IOException("read only");
    }

    @Override
    public long position() throws IOException {
      return in.position();
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
      in.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return in.size();
    }

    @Override
    public SeekableByteChannel truncate(long size) throws IOException {
      throw new IOException("read only");
    }

    @Override
    public boolean isOpen() {
      return in.isOpen();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
