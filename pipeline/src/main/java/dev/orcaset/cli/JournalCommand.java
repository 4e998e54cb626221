package dev.orcaset.cli;

import dev.orcaset.journal.JournalCompactor;
import dev.orcaset.journal.JournalStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/** `orcaset journal stats|compact [OUTPUT] [--journal DIR]`: look after a response journal. */
final class JournalCommand {
  private final PrintWriter out;
  private final PrintWriter err;

  JournalCommand(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  int run(List<String> args) throws IOException {
    if (args.isEmpty()) {
      throw new UsageException("journal needs 'stats' or 'compact'");
    }
    String output = null;
    String journal = null;
    for (int i = 1; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--journal")) {
        journal = CliArgs.value(args, ++i, "--journal");
      } else if (!a.startsWith("--") && output == null) {
        output = a;
      } else {
        throw new UsageException("unknown argument '" + a + "' for journal");
      }
    }
    if (journal == null) {
      if (output == null) {
        throw new UsageException("journal needs the OUTPUT folder or --journal DIR");
      }
      journal = (output.endsWith("/") ? output : output + "/") + ".journal";
    }
    return switch (args.get(0)) {
      case "stats" -> stats(journal);
      case "compact" -> compact(journal);
      default ->
          throw new UsageException(
              "unknown journal command '" + args.get(0) + "' (stats or compact)");
    };
  }

  private int stats(String dir) throws IOException {
    JournalStats s = JournalStats.of(dir);
    out.printf("journal %s%n", dir);
    out.printf("  slices            %d (%.1f MB)%n", s.slices(), s.bytes() / 1e6);
    out.printf(
        "  entries           %d: %d answers, %d permanent failures%n",
        s.entries(), s.answers(), s.failures());
    out.printf(
        "  distinct requests %d (%d duplicates; 'journal compact' removes them)%n",
        s.distinctRequests(), s.duplicates());
    if (s.unreadableLines() > 0) {
      out.printf("  unreadable lines  %d (their questions are asked again)%n", s.unreadableLines());
    }
    s.entriesByRun().forEach((run, n) -> out.printf("  run %s  %d entries%n", run, n));
    out.flush();
    return 0;
  }

  private int compact(String dir) throws IOException {
    JournalCompactor.Result r = JournalCompactor.compact(dir);
    out.printf(
        "journal %s compacted: %d slices -> %d, %d entries -> %d%n",
        dir, r.slicesBefore(), r.slicesAfter(), r.entriesBefore(), r.entriesAfter());
    out.flush();
    return 0;
  }
}
