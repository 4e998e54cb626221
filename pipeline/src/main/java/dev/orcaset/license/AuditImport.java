package dev.orcaset.license;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.orcaset.config.ConfigException;
import dev.orcaset.model.Hashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the Data Provenance audit's table of FLAN source licenses (TSV: `#` header lines, then one
 * row per task name) into the shipped source policy: one entry per source dataset, the verdict its
 * use classes imply (All: cleared, attribution and share-alike kept as conditions that travel with
 * the rows; NC, Acad, Unspecified, Custom: not cleared), each with the audit as its source and
 * date. Bad rows fail with the file, line and column.
 */
public final class AuditImport {
  static final List<String> COLUMNS =
      List.of(
          "submix",
          "task_name",
          "dataset",
          "dpi_id",
          "licenses",
          "use_class",
          "attribution",
          "share_alike",
          "license_urls",
          "license_notes");

  /** The commit and date the header says the audit was read at. */
  private static final Pattern PROVENANCE =
      Pattern.compile("commit\\s+([0-9a-f]{7,40}),?\\s+(\\d{4}-\\d{2}-\\d{2})");

  private static final Pattern REPOSITORY = Pattern.compile("repository\\s+([\\w.-]+/[\\w.-]+)");

  /** License names whose SPDX-style id is not their name in lowercase with dashes. */
  private static final Map<String, String> IDS =
      Map.of(
          "MIT License", "mit",
          "Apache License 2.0", "apache-2.0",
          "BSD 3-Clause License", "bsd-3-clause",
          "BSD 2-Clause License", "bsd-2-clause",
          "GNU General Public License v3.0", "gpl-3.0",
          "Academic Free License v3.0", "afl-3.0");

  private AuditImport() {}

  public static SourceTable read(Path tsv) {
    List<String> lines;
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(tsv);
      lines = List.of(new String(bytes, StandardCharsets.UTF_8).split("\r?\n", -1));
    } catch (IOException e) {
      throw new ConfigException(null, "cannot read " + tsv + ": " + e.getMessage(), e);
    }
    StringBuilder header = new StringBuilder();
    int i = 0;
    while (i < lines.size() && lines.get(i).startsWith("#")) {
      header.append(lines.get(i).substring(1)).append(' ');
      i++;
    }
    String about = header.toString().replaceAll("\\s+", " ");
    Matcher at = PROVENANCE.matcher(about);
    Matcher repo = REPOSITORY.matcher(about);
    if (!at.find() || !repo.find()) {
      throw new ConfigException(
          null,
          tsv
              + ": the '#' header must name the audit's repository ('repository OWNER/NAME') and"
              + " the commit and date it was read at ('commit abc1234, 2025-03-25')");
    }
    String source =
        "Data Provenance Initiative audit of the Flan Collection ("
            + repo.group(1)
            + " at "
            + at.group(1)
            + ")";
    String asOf = at.group(2);
    if (i >= lines.size() || !List.of(lines.get(i).split("\t", -1)).equals(COLUMNS)) {
      throw new ConfigException(
          null,
          tsv + " line " + (i + 1) + ": expected the column header " + String.join("\\t", COLUMNS));
    }
    Map<String, Builder> byId = new LinkedHashMap<>();
    for (int n = i + 1; n < lines.size(); n++) {
      String line = lines.get(n);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Row row = Row.parse(tsv, n + 1, line);
      Builder b = byId.computeIfAbsent(row.id(), id -> new Builder(row, source, asOf));
      b.add(tsv, n + 1, row);
    }
    if (byId.isEmpty()) {
      throw new ConfigException(null, tsv + ": no rows after the column header");
    }
    return new SourceTable(
        "orcaset licenses import " + tsv.getFileName(),
        tsv.getFileName().toString(),
        Hashes.sha256Hex(new String(bytes, StandardCharsets.UTF_8)),
        source,
        asOf,
        byId.values().stream().map(Builder::build).toList());
  }

  /** The policy file's text: a header saying where it came from, then the entries. */
  public static String yaml(SourceTable t) {
    ObjectMapper m =
        new ObjectMapper(
                new YAMLFactory()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .disable(YAMLGenerator.Feature.SPLIT_LINES))
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_EMPTY);
    try {
      return "# The source half of the license policy: every FLAN source dataset the Data"
          + " Provenance\n"
          + "# audit lists, with the verdict its license classes imply. Generated; do not"
          + " edit.\n"
          + "# Rebuild with: ./orcaset licenses import config/licenses/"
          + t.table()
          + "\n"
          + "# A person's review goes into config/licenses/source-overrides.yaml instead.\n"
          + m.writeValueAsString(t);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One line of the table. */
  private record Row(
      String submix,
      String task,
      String dataset,
      String id,
      List<SourceLicense> licenses,
      String note) {
    static Row parse(Path file, int line, String text) {
      String[] f = text.split("\t", -1);
      if (f.length != COLUMNS.size()) {
        throw new ConfigException(
            null,
            file + " line " + line + ": " + f.length + " columns, expected " + COLUMNS.size());
      }
      for (int c = 0; c < 4; c++) {
        if (f[c].isBlank()) {
          throw new ConfigException(
              COLUMNS.get(c), file + " line " + line + ": " + COLUMNS.get(c) + " is empty");
        }
      }
      String[] names = split(f[4]);
      String[] classes = split(f[5]);
      String[] attribution = split(f[6]);
      String[] shareAlike = split(f[7]);
      String[] urls = split(f[8]);
      for (int c = 5; c <= 7; c++) {
        if (split(f[c]).length != names.length) {
          throw new ConfigException(
              COLUMNS.get(c),
              file
                  + " line "
                  + line
                  + ": "
                  + COLUMNS.get(c)
                  + " has "
                  + split(f[c]).length
                  + " values for "
                  + names.length
                  + " licenses");
        }
      }
      List<SourceLicense> licenses = new ArrayList<>();
      for (int k = 0; k < names.length; k++) {
        UseClass useClass;
        try {
          useClass = UseClass.parse(classes[k]);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(
              "use_class", file + " line " + line + ": use_class " + e.getMessage());
        }
        licenses.add(
            new SourceLicense(
                names[k],
                useClass,
                flag(file, line, "attribution", attribution[k]),
                flag(file, line, "share_alike", shareAlike[k]),
                k < urls.length && !urls[k].isBlank() ? urls[k] : null));
      }
      return new Row(
          f[0].strip(),
          f[1].strip(),
          f[2].strip(),
          f[3].strip(),
          licenses,
          f[9].isBlank() ? null : f[9].strip());
    }

    private static String[] split(String joined) {
      return joined.isBlank() ? new String[0] : joined.split("\\s*;\\s*", -1);
    }

    private static Boolean flag(Path file, int line, String column, String v) {
      return switch (v.strip()) {
        case "1" -> true;
        case "0" -> false;
        case "?" -> null;
        default ->
            throw new ConfigException(
                column, file + " line " + line + ": " + column + " must be 1, 0 or ?, not " + v);
      };
    }
  }

  /** The rows of one source dataset, gathered into its entry. */
  private static final class Builder {
    private final Row first;
    private final String source;
    private final String asOf;
    private final List<String> tasks = new ArrayList<>();

    Builder(Row first, String source, String asOf) {
      this.first = first;
      this.source = source;
      this.asOf = asOf;
    }

    void add(Path file, int line, Row r) {
      if (!r.licenses().equals(first.licenses()) || !r.submix().equals(first.submix())) {
        throw new ConfigException(
            "dpi_id",
            file
                + " line "
                + line
                + ": "
                + r.id()
                + " is listed with other licenses or another submix than on its first row");
      }
      if (!tasks.contains(r.task())) {
        tasks.add(r.task());
      }
    }

    SourceEntry build() {
      List<SourceLicense> licenses = first.licenses();
      UseClass governing = UseClass.ALL;
      SourceLicense strictest = licenses.isEmpty() ? null : licenses.get(0);
      for (SourceLicense l : licenses) {
        if (l.useClass().ordinal() > governing.ordinal()) {
          governing = l.useClass();
          strictest = l;
        }
      }
      if (licenses.isEmpty()) {
        governing = UseClass.UNSPECIFIED;
      }
      boolean cleared = governing == UseClass.ALL;
      String names =
          licenses.isEmpty()
              ? "no license"
              : String.join(" and ", licenses.stream().map(SourceLicense::name).toList());
      String condition = cleared ? condition(licenses) : null;
      StringBuilder reason =
          new StringBuilder(first.dataset())
              .append(" (")
              .append(names)
              .append("): ")
              .append(licenses.size() > 1 ? "the strictest license " : "the license ")
              .append(governing.meaning());
      if (cleared && contradicts(first.note())) {
        reason.append("; but the auditors note: \"").append(first.note()).append("\" (review it)");
      }
      if (governing == UseClass.CUSTOM) {
        reason.append("; not cleared unless a review in source-overrides.yaml says otherwise");
      } else if (!cleared) {
        reason.append("; not cleared");
      }
      return new SourceEntry(
          first.id(),
          first.dataset(),
          first.submix(),
          tasks,
          licenses,
          first.note(),
          new LicenseRule(
              Map.of(),
              governing == UseClass.CUSTOM
                  ? "custom"
                  : strictest == null ? "unspecified" : id(strictest.name()),
              cleared,
              condition,
              condition == null ? null : true,
              reason.toString(),
              source + ", " + first.id(),
              asOf));
    }

    /** What rows of a cleared dataset carry with them: credit, and share-alike where it applies. */
    private String condition(List<SourceLicense> licenses) {
      List<String> parts = new ArrayList<>();
      if (licenses.stream().anyMatch(l -> Boolean.TRUE.equals(l.attribution()))) {
        parts.add("credit " + first.dataset() + " and its license where the data is shared");
      } else if (licenses.stream().anyMatch(l -> l.attribution() == null)) {
        parts.add(
            "the audit could not tell whether "
                + first.dataset()
                + " must be credited: credit it where the data is shared");
      }
      List<String> shareAlike =
          licenses.stream()
              .filter(l -> Boolean.TRUE.equals(l.shareAlike()))
              .map(SourceLicense::name)
              .toList();
      if (!shareAlike.isEmpty()) {
        parts.add("share adaptations of the data under " + String.join(" or ", shareAlike));
      }
      return parts.isEmpty()
          ? null
          : String.join("; ", parts) + " (carried in the rows and the dataset card)";
    }
  }

  /** Whether the auditors' note on a dataset says it may not be used commercially. */
  public static boolean contradicts(String note) {
    if (note == null) {
      return false;
    }
    String n = note.toLowerCase(Locale.ROOT);
    return n.contains("no commercial")
        || n.contains("non-commercial")
        || n.contains("research only");
  }

  /** A license's tag: its SPDX-style id (`cc-by-sa-4.0`, `apache-2.0`). */
  static String id(String name) {
    String known = IDS.get(name);
    if (known != null) {
      return known;
    }
    return name.strip()
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9.]+", "-")
        .replaceAll("^-+|-+$", "");
  }
}
