package dev.orcaset.cli;

import dev.orcaset.license.AuditImport;
import dev.orcaset.license.SourceEntry;
import dev.orcaset.license.SourceTable;
import dev.orcaset.license.UseClass;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * `orcaset licenses import FILE [--output FILE]`: the Data Provenance audit's table of FLAN source
 * licenses becomes the shipped source policy, with a summary of the verdicts and the entries whose
 * auditors' notes contradict their class, for a person to review.
 */
final class LicensesCommand {
  static final String DEFAULT_OUTPUT = "config/licenses/flan-source-licenses.yaml";

  private final PrintWriter out;

  LicensesCommand(PrintWriter out) {
    this.out = out;
  }

  int run(List<String> args) throws IOException {
    if (args.isEmpty() || !args.get(0).equals("import")) {
      throw new UsageException("licenses needs 'import FILE'");
    }
    String table = null;
    Path output = Path.of(DEFAULT_OUTPUT);
    for (int i = 1; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--output")) {
        output = Path.of(CliArgs.value(args, ++i, "--output"));
      } else if (!a.startsWith("--") && table == null) {
        table = a;
      } else {
        throw new UsageException("unknown argument '" + a + "' for licenses import");
      }
    }
    if (table == null) {
      throw new UsageException("licenses import needs the audit's table (TSV)");
    }
    SourceTable t = AuditImport.read(Path.of(table));
    if (output.toAbsolutePath().getParent() != null) {
      Files.createDirectories(output.toAbsolutePath().getParent());
    }
    Files.writeString(output, AuditImport.yaml(t), StandardCharsets.UTF_8);
    Map<UseClass, int[]> byClass = new EnumMap<>(UseClass.class);
    for (SourceEntry e : t.datasets()) {
      int[] n = byClass.computeIfAbsent(e.useClass(), c -> new int[2]);
      n[0]++;
      n[1] += e.tasks().size();
    }
    int tasks = t.datasets().stream().mapToInt(e -> e.tasks().size()).sum();
    out.printf(
        "imported %d task names of %d source datasets from %s (%s, as of %s)%n",
        tasks, t.datasets().size(), table, t.source(), t.asOf());
    byClass.forEach(
        (c, n) ->
            out.printf(
                "  %-12s %4d datasets, %4d task names: %s%n",
                c.code(), n[0], n[1], c == UseClass.ALL ? "cleared" : "not cleared"));
    List<SourceEntry> contradicted =
        t.datasets().stream()
            .filter(e -> e.verdict().clears())
            .filter(e -> AuditImport.contradicts(e.auditNote()))
            .toList();
    for (SourceEntry e : contradicted) {
      out.printf(
          "  review: %s is cleared by its class (All) but the auditors' note says \"%s\";"
              + " an override in config/licenses/source-overrides.yaml decides%n",
          e.id(), e.auditNote());
    }
    out.println("wrote " + output);
    out.flush();
    return 0;
  }
}
