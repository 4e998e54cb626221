package dev.orcaset.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * A dataset folder and its snapshots. A run writes into a hidden staging folder
 * (`OUTPUT/.staging-RUN/`, skipped by Hive, Spark and DuckDB conventions) and is switched in only
 * when it succeeded, so readers of `OUTPUT/data/` see the previous snapshot or the new one, never
 * half of one or a mix. The replaced snapshot is kept hidden (`OUTPUT/.previous-RUN/`) until the
 * next run, so a reader still going through its files can finish; leftovers of a killed run are
 * removed by the next one.
 *
 * <p>On a local disk each part is switched with a rename. On object stores (`gs://`, `s3://`) there
 * is no rename: parts are copied then deleted, and a reader during those seconds can see a mix; the
 * README says so.
 */
public final class OutputFolder {
  /**
   * What a snapshot consists of; `manifest.json` goes last, so it never describes files not yet
   * there.
   */
  public static final List<String> PARTS =
      List.of("data", "rejected", "failed", "filtered", "README.md", "manifest.json");

  static final String STAGING = ".staging-";
  static final String PREVIOUS = ".previous-";

  private final String dir;

  public OutputFolder(String dir) {
    this.dir = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
  }

  public String dir() {
    return dir;
  }

  private boolean isLocal() {
    return Locations.isLocal(dir);
  }

  public String staging(String runId) {
    return dir + "/" + STAGING + runId;
  }

  /**
   * Holds the folder for one run at a time (local disks): a second run on the same folder would
   * clean up the first one's staging files as leftovers.
   */
  public AutoCloseable lock() throws IOException {
    if (!isLocal()) {
      return () -> {};
    }
    Path folder = Files.createDirectories(Path.of(dir));
    FileChannel ch =
        FileChannel.open(
            folder.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      ch.close();
      throw new IOException(
          "another orcaset run is writing to "
              + dir
              + "; wait for it to finish "
              + "(or give this run another --output)");
    }
    FileLock held = lock;
    return () -> {
      held.release();
      ch.close();
    };
  }

  /**
   * Removes what earlier runs left behind: the hidden previous snapshot, and staging folders of
   * runs that were killed. Returns the names of the latter, which are worth telling the user.
   */
  public List<String> cleanLeftovers() throws IOException {
    List<String> removed = new ArrayList<>();
    if (isLocal()) {
      Path folder = Path.of(dir);
      if (!Files.isDirectory(folder)) {
        return removed;
      }
      try (Stream<Path> children = Files.list(folder)) {
        for (Path p : children.toList()) {
          String name = p.getFileName().toString();
          if (name.startsWith(STAGING) || name.startsWith(PREVIOUS)) {
            deleteTree(p);
            if (name.startsWith(STAGING)) {
              removed.add(name);
            }
          }
        }
      }
    } else {
      for (String prefix : List.of(STAGING, PREVIOUS)) {
        List<ResourceId> files = match(dir + "/" + prefix + "*/**");
        if (!files.isEmpty()) {
          FileSystems.delete(files, StandardMoveOptions.IGNORE_MISSING_FILES);
          if (prefix.equals(STAGING)) {
            removed.add(prefix + "*");
          }
        }
      }
    }
    return removed;
  }

  /** Makes the staged run the dataset. The old snapshot is kept hidden until the next run. */
  public void publish(String runId) throws IOException {
    String staged = staging(runId);
    if (isLocal()) {
      Path folder = Path.of(dir);
      Path previous = folder.resolve(PREVIOUS + runId);
      for (String part : PARTS) {
        Path current = folder.resolve(part);
        Path next = Path.of(staged, part);
        if (Files.exists(current)) {
          Files.createDirectories(previous);
          Files.move(current, previous.resolve(part), StandardCopyOption.ATOMIC_MOVE);
        }
        if (Files.exists(next)) {
          Files.move(next, current, StandardCopyOption.ATOMIC_MOVE);
        }
      }
      deleteTree(Path.of(staged));
      return;
    }
    for (String part : PARTS) {
      List<ResourceId> old =
          part.contains(".") ? match(dir + "/" + part) : match(dir + "/" + part + "/**");
      FileSystems.delete(old, StandardMoveOptions.IGNORE_MISSING_FILES);
      List<ResourceId> from =
          part.contains(".") ? match(staged + "/" + part) : match(staged + "/" + part + "/**");
      List<ResourceId> to = new ArrayList<>();
      for (ResourceId f : from) {
        to.add(FileSystems.matchNewResource(dir + f.toString().substring(staged.length()), false));
      }
      FileSystems.rename(from, to, StandardMoveOptions.IGNORE_MISSING_FILES);
    }
  }

  private static List<ResourceId> match(String glob) throws IOException {
    MatchResult r = FileSystems.match(glob, EmptyMatchTreatment.ALLOW);
    if (r.status() != MatchResult.Status.OK) {
      return List.of();
    }
    return r.metadata().stream().map(MatchResult.Metadata::resourceId).toList();
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
