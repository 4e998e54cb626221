package dev.orcaset.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/** Small JSON documents (manifest, estimate) in a run's folder, through Beam's FileSystems. */
public final class JsonFiles {
  private JsonFiles() {}

  public static void write(String dir, String name, JsonNode doc) throws IOException {
    try (OutputStream out =
        Channels.newOutputStream(FileSystems.create(resource(dir, name), "application/json"))) {
      out.write(
          Json.mapper()
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(doc)
              .getBytes(StandardCharsets.UTF_8));
      out.write('\n');
    }
  }

  /** Writes UTF-8 text, e.g. the dataset card, beside the manifest (any Beam file system). */
  public static void writeText(String dir, String name, String text, String mimeType)
      throws IOException {
    try (OutputStream out =
        Channels.newOutputStream(FileSystems.create(resource(dir, name), mimeType))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  public static JsonNode read(String dir, String name) throws IOException {
    try (Reader r =
        Channels.newReader(FileSystems.open(resource(dir, name)), StandardCharsets.UTF_8)) {
      return Json.mapper().readTree(r);
    }
  }

  /** The file {@code name} in {@code dir}, on any Beam file system. */
  public static ResourceId resource(String dir, String name) {
    return FileSystems.matchNewResource(dir, true)
        .resolve(name, StandardResolveOptions.RESOLVE_FILE);
  }
}
