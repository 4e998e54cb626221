package dev.orcaset.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * Lets Parquet write through Beam's FileSystems (local, `gs://`…), the counterpart of {@link
 * ReadableFileInput}: a new file at {@code to}, its position counted as bytes are written.
 */
public final class ChannelOutputFile implements OutputFile {
  private final ResourceId to;

  public ChannelOutputFile(ResourceId to) {
    this.to = to;
  }

  @Override
  public PositionOutputStream create(long blockSizeHint) throws IOException {
    OutputStream out = Channels.newOutputStream(FileSystems.create(to, "application/octet-stream"));
    return new PositionOutputStream() {
      private long pos;

      @Override
      public long getPos() {
        return pos;
      }

      @Override
      public void write(int b) throws IOException {
        out.write(b);
        pos++;
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        pos += len;
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    };
  }

  @Override
  public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
    return create(blockSizeHint);
  }

  @Override
  public boolean supportsBlockSize() {
    return false;
  }

  @Override
  public long defaultBlockSize() {
    return 0;
  }

  @Override
  public String getPath() {
    return to.toString();
  }
}
