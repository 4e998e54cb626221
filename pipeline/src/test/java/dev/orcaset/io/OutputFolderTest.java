package dev.orcaset.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot switch as readers see it: old or new, whole, never a mix. */
class OutputFolderTest {
  @TempDir Path dir;

  /** Stages a snapshot laid out like a run's: two partitions, files named after the snapshot. */
  private void stage(OutputFolder out, String run, int filesPerPartition) throws IOException {
    Path staged = Path.of(out.staging(run));
    for (String part : List.of("true", "false")) {
      Path p =
          Files.createDirectories(
              staged.resolve("data/snapshot=" + run + "/commercial_use=" + part));
      for (int i = 0; i < filesPerPartition; i++) {
        Files.writeString(p.resolve("part-" + i + ".parquet"), run);
      }
    }
    Files.createDirectories(staged.resolve("failed"));
    Files.writeString(staged.resolve("failed/part-" + run + ".jsonl"), run);
    Files.writeString(staged.resolve("manifest.json"), "{\"run\": \"" + run + "\"}");
  }

  /** Reads every file under data/ as a reader walking the folder would; null if the walk failed. */
  private static Set<String> read(Path data, AtomicInteger files) {
    Set<String> seen = new HashSet<>();
    try (Stream<Path> walk = Files.walk(data)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        seen.add(Files.readString(f));
        files.incrementAndGet();
      }
      return seen;
    } catch (IOException | UncheckedIOException e) {
      return null; // the reader retries, as a query does
    }
  }

  @Test
  void readersWalkingDataWhileSnapshotsSwitch_seeOneWholeSnapshotOrRetry() throws Exception {
    OutputFolder out = new OutputFolder(dir.toString());
    stage(out, "run0", 20);
    out.publish("run0");
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger whole = new AtomicInteger();
    AtomicInteger mixed = new AtomicInteger();
    AtomicInteger partial = new AtomicInteger();
    AtomicInteger retried = new AtomicInteger();
    Thread reader =
        new Thread(
            () -> {
              while (!done.get()) {
                AtomicInteger files = new AtomicInteger();
                Set<String> seen = read(dir.resolve("data"), files);
                if (seen == null || seen.isEmpty()) {
                  retried.incrementAndGet();
                } else if (seen.size() > 1) {
                  mixed.incrementAndGet();
                } else if (files.get() != 40) {
                  partial.incrementAndGet();
                } else {
                  whole.incrementAndGet();
                }
              }
            });
    reader.start();
    for (int i = 1; i <= 150; i++) {
      out.cleanLeftovers();
      stage(out, "run" + i, 20);
      out.publish("run" + i);
    }
    done.set(true);
    reader.join();
    System.out.printf(
        "snapshot switch: %d whole reads, %d retried, %d mixed, %d partial%n",
        whole.get(), retried.get(), mixed.get(), partial.get());
    assertEquals(0, mixed.get(), "a read mixed two snapshots");
    assertEquals(0, partial.get(), "a read saw part of a snapshot");
    assertTrue(whole.get() > 10, "the reader ran while snapshots switched: " + whole.get());
    assertEquals("{\"run\": \"run150\"}", Files.readString(dir.resolve("manifest.json")));
    assertEquals(Set.of("run150"), read(dir.resolve("data"), new AtomicInteger()));
  }

  @Test
  void leftoversOfAKilledRunAreHiddenAndCleanedByTheNext() throws Exception {
    OutputFolder out = new OutputFolder(dir.toString());
    stage(out, "killed", 1);
    assertTrue(Files.isDirectory(dir.resolve(".staging-killed")), "staged under a hidden name");
    assertFalse(Files.exists(dir.resolve("data")), "nothing visible before the switch");
    assertEquals(List.of(".staging-killed"), out.cleanLeftovers());
    assertFalse(Files.exists(dir.resolve(".staging-killed")));
  }

  @Test
  void aSecondRunOnTheSameFolderIsRefused() throws Exception {
    OutputFolder out = new OutputFolder(dir.toString());
    try (AutoCloseable held = out.lock()) {
      IOException e = assertThrows(IOException.class, out::lock);
      assertTrue(e.getMessage().contains("another orcaset run is writing to"), e.getMessage());
    }
    out.lock().close(); // free again once the first run ends
  }
}
