package dev.orcaset.cli;

import dev.orcaset.report.HtmlReport;
import dev.orcaset.report.Manifest;
import dev.orcaset.report.TerminalSummary;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * `orcaset inspect OUTPUT [--html FILE]`: what a dataset holds, from its manifest, without writing
 * code: the card's summary on the terminal, and optionally a self-contained HTML report with plots
 * that opens in any browser from the file.
 */
final class InspectCommand {
  private final PrintWriter out;

  InspectCommand(PrintWriter out) {
    this.out = out;
  }

  int run(List<String> args) throws IOException {
    String output = null;
    Path html = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--html")) {
        html = Path.of(CliArgs.value(args, ++i, "--html"));
      } else if (!a.startsWith("--") && output == null) {
        output = a;
      } else {
        throw new UsageException("unknown argument '" + a + "' for inspect");
      }
    }
    if (output == null) {
      throw new UsageException("inspect needs the OUTPUT folder of a finished run");
    }
    Manifest manifest;
    try {
      manifest = Manifest.read(output);
    } catch (FileNotFoundException | NoSuchFileException e) {
      throw new UsageException(
          output + " has no manifest.json: not the output folder of a finished run");
    }
    out.print(TerminalSummary.render(manifest));
    if (html != null) {
      if (html.toAbsolutePath().getParent() != null) {
        Files.createDirectories(html.toAbsolutePath().getParent());
      }
      Files.writeString(html, HtmlReport.render(manifest), StandardCharsets.UTF_8);
      out.println();
      out.println(
          "HTML report: " + html.toAbsolutePath() + " (open it in a browser; it needs no server)");
    }
    out.flush();
    return 0;
  }
}
