package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.orcaset.TestRuns;
import dev.orcaset.cli.Main;
import dev.orcaset.io.SampleSchema;
import dev.orcaset.report.DatasetCard;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hand-off to a training team: the dataset card (golden), `inspect` on a terminal and as HTML
 * rendered in headless Chromium, and `export --commercial-only`, all for one small fixed run whose
 * license verdicts are mixed (a policy that clears the simulated teacher, so each source's license
 * decides).
 */
class DatasetCardTest {
  private static final Path GOLDEN =
      TestRuns.HOME.resolve("pipeline/src/test/resources/golden/dataset-card.md");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The generic prompt of the erased view. */
  static final String TRAINING = "You are a helpful assistant. Think before you answer.";

  @TempDir static Path dir;
  static Path output;

  @BeforeAll
  static void runOnce() throws Exception {
    Path cfg = FlanFixtures.write(dir, TestRuns.HOME);
    Path policy = dir.resolve("licenses.yaml");
    Files.writeString(
        policy,
        Files.readString(TestRuns.HOME.resolve("config/licenses.yaml"))
            .replace(
                "tag: simulated\n    commercial_use: false",
                "tag: simulated\n    commercial_use: true")
            .replace(": licenses/", ": " + TestRuns.HOME.resolve("config/licenses") + "/"));
    Files.writeString(
        cfg,
        Files.readString(cfg)
            .replace(TestRuns.HOME.resolve("config/licenses.yaml").toString(), policy.toString())
            .replace(
                "prompts: {dir: " + TestRuns.HOME.resolve("system-prompts"),
                "prompts: {training_system_prompt: '"
                    + TRAINING
                    + "', dir: "
                    + TestRuns.HOME.resolve("system-prompts")));
    String[] args = {"run", "--config", cfg.toString(), "--runner=DirectRunner"};
    StringWriter err = new StringWriter();
    int exit =
        new Main(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true)).run(args);
    assertEquals(0, exit, err.toString());
    output = dir.resolve("out");
  }

  /**
   * The card with what differs between runs (ids, times, folders, versions) replaced by
   * placeholders.
   */
  static String normalized(String card, JsonNode manifest) {
    return card.replace(manifest.get("run").get("id").asText(), "<RUN_ID>")
        .replace(manifest.get("snapshot").get("id").asText(), "<SNAPSHOT>")
        .replace(dir.toString(), "<TMP>")
        .replace(TestRuns.HOME.toString(), "<HOME>")
        .replace("orcaset " + manifest.get("tool").get("version").asText(), "orcaset <VERSION>")
        .replace(manifest.get("versions").get("system_prompts").asText(), "<PROMPTS_VERSION>")
        .replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "<TIME>");
  }

  @Test
  void theCardMatchesTheGoldenCard() throws Exception {
    String card =
        normalized(Files.readString(output.resolve("README.md")), DatasetReader.manifest(output));
    if (Boolean.getBoolean("orcaset.golden.update")) {
      Files.createDirectories(GOLDEN.getParent());
      Files.writeString(GOLDEN, card);
    }
    assertTrue(
        Files.exists(GOLDEN),
        "no golden card yet: run with -Dorcaset.golden.update=true and review it");
    assertEquals(
        Files.readString(GOLDEN),
        card,
        "the card changed; if that is intended, regenerate with -Dorcaset.golden.update=true and"
            + " review the diff");
  }

  @Test
  void theCardsHeaderIsValidYaml_andEachConfigPointsAtTheRightParquetFiles() throws Exception {
    String card = Files.readString(output.resolve("README.md"));
    assertTrue(card.startsWith("---\n"));
    JsonNode header = YAML.readTree(card.substring(4, card.indexOf("\n---\n", 4)));
    assertEquals("other", header.get("license").asText(), "mixed verdicts are not one license");
    assertEquals("n<1K", header.get("size_categories").get(0).asText());
    List<GenericRecord> rows = DatasetReader.rows(output.resolve("data"));
    Map<String, Integer> rowsPerConfig = new TreeMap<>();
    for (JsonNode c : header.get("configs")) {
      String glob = c.get("data_files").get(0).get("path").asText();
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
      int n = 0;
      for (Path f : DatasetReader.files(output.resolve("data"), ".parquet")) {
        if (m.matches(output.relativize(f))) {
          n += DatasetReader.rowsOf(f).size();
        }
      }
      rowsPerConfig.put(c.get("config_name").asText(), n);
    }
    long cleared = rows.stream().filter(r -> (Boolean) r.get("commercial_use")).count();
    long ccBySa =
        rows.stream().filter(r -> r.get("license_tag").toString().equals("cc-by-sa-4.0")).count();
    assertEquals(rows.size(), rowsPerConfig.get("default"));
    assertEquals((int) cleared, rowsPerConfig.get("commercial_use"));
    assertEquals((int) ccBySa, rowsPerConfig.get("license_cc_by_sa_4_0"));
    assertTrue(
        cleared > 0 && cleared < rows.size(),
        "the fixture has cleared and uncleared rows: " + cleared);
  }

  @Test
  void theCardDescribesEveryColumnOfTheData() {
    List<String> columns =
        SampleSchema.SCHEMA.getFields().stream().map(Schema.Field::name).toList();
    assertEquals(columns, new ArrayList<>(DatasetCard.FIELDS.keySet()));
  }

  @Test
  void theManifestAndPartitionsCarryTheLicenseTags() throws Exception {
    JsonNode manifest = DatasetReader.manifest(output);
    Map<String, Long> fromManifest = new TreeMap<>();
    manifest
        .get("licenses")
        .forEach(
            l ->
                fromManifest.merge(
                    l.get("tag").asText() + "/" + l.get("commercial_use").asText(),
                    l.get("rows").asLong(),
                    Long::sum));
    Map<String, Long> fromRows = new TreeMap<>();
    for (Path f : DatasetReader.files(output.resolve("data"), ".parquet")) {
      String folder = output.resolve("data").relativize(f).toString();
      int n = DatasetReader.rowsOf(f).size();
      String tag = folder.replaceAll(".*license_tag=([^/]+)/.*", "$1");
      String cleared = folder.replaceAll(".*commercial_use=([^/]+)/.*", "$1");
      fromRows.merge(tag + "/" + cleared, (long) n, Long::sum);
    }
    assertEquals(fromRows, fromManifest);
    assertEquals(
        Map.of("mit/true", 11L, "flan-unreviewed/false", 20L, "cc-by-sa-4.0/true", 9L),
        fromManifest,
        "CoT gsm8k is MIT with attribution, a condition, so more restrictive than the cleared"
            + " teacher (its tag shows); NIv2 sentiment tasks are not in the audit, unreviewed;"
            + " SNLI and adversarial_qa are CC BY-SA, also a condition");
  }

  @Test
  void inspectPrintsTheSummary_andItsHtmlReportShowsThePlotsInChromium() throws Exception {
    Path html = dir.resolve("report/report.html");
    StringWriter out = new StringWriter();
    int exit =
        new Main(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true))
            .run("inspect", output.toString(), "--html", html.toString());
    assertEquals(0, exit, out.toString());
    String text = out.toString();
    assertTrue(text.contains("License\n-------"), text);
    assertTrue(text.matches("(?s).*\\bflan-unreviewed\\s+false\\s+20\\b.*"), text);
    assertTrue(text.matches("(?s).*\\bsamples\\s+40\\b.*"), text);
    assertTrue(text.matches("(?s).*\\bfinish_reason\\s+on\\b.*"), text);
    String page = Files.readString(html);
    assertFalse(page.contains("<script"), "the report runs no script");
    assertFalse(page.matches("(?s).*(src|href)=['\"]https?:.*"), "the report fetches nothing");

    BufferedImage shot = screenshot(html);
    Map<String, Integer> pixels = new TreeMap<>();
    for (String[] color :
        new String[][] {
          {"tokens", "#3b6fb6"},
          {"prompts", "#e08a1e"},
          {"cleared", "#2e9e4f"},
          {"not cleared", "#c8423b"}
        }) {
      pixels.put(color[0], count(shot, Integer.parseInt(color[1].substring(1), 16)));
    }
    for (Map.Entry<String, Integer> e : pixels.entrySet()) {
      assertTrue(e.getValue() > 300, "the " + e.getKey() + " bars are not on the page: " + pixels);
    }
  }

  @Test
  void exportCopiesExactlyTheClearedRows() throws Exception {
    Path dest = dir.resolve("export");
    StringWriter out = new StringWriter();
    int exit =
        new Main(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true))
            .run("export", "--commercial-only", output.toString(), dest.toString());
    assertEquals(0, exit, out.toString());
    List<GenericRecord> exported = DatasetReader.rows(dest);
    List<GenericRecord> all = DatasetReader.rows(output.resolve("data"));
    assertEquals(
        all.stream()
            .filter(r -> (Boolean) r.get("commercial_use"))
            .map(r -> r.get("id").toString())
            .sorted()
            .toList(),
        exported.stream().map(r -> r.get("id").toString()).sorted().toList());
    JsonNode record = new ObjectMapper().readTree(dest.resolve("export.json").toFile());
    assertEquals(exported.size(), record.get("rows").asInt());
    assertTrue(out.toString().startsWith("exported " + exported.size() + " rows"), out.toString());

    int again =
        new Main(
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(new StringWriter(), true))
            .run("export", "--commercial-only", output.toString(), dest.toString());
    assertEquals(2, again, "a second export into the same folder is refused");
  }

  /**
   * The erased view (Orca 2's prompt erasure): the same cleared rows, every column as written but
   * `system_prompt`, which holds the generic training prompt; export.json and PROVENANCE.md say so.
   */
  @Test
  void anErasedExportTrainsOnTheGenericPrompt_everyOtherColumnKept() throws Exception {
    Path dest = dir.resolve("export-erased");
    StringWriter out = new StringWriter();
    int exit =
        new Main(new PrintWriter(out, true), new PrintWriter(out, true))
            .run(
                "export",
                "--commercial-only",
                "--erase-prompts",
                output.toString(),
                dest.toString());
    assertEquals(0, exit, out.toString());
    assertTrue(out.toString().contains(", system prompts erased"), out.toString());
    Map<String, GenericRecord> written = new TreeMap<>();
    for (GenericRecord r : DatasetReader.rows(output.resolve("data"))) {
      if ((Boolean) r.get("commercial_use")) {
        written.put(r.get("id").toString(), r);
      }
    }
    List<GenericRecord> erased = DatasetReader.rows(dest);
    assertEquals(written.size(), erased.size());
    assertTrue(erased.size() > 0);
    boolean someDiffered = false;
    for (GenericRecord e : erased) {
      GenericRecord w = written.get(e.get("id").toString());
      assertEquals(TRAINING, w.get("training_system_prompt").toString());
      assertEquals(TRAINING, e.get("system_prompt").toString());
      someDiffered |= !w.get("system_prompt").toString().equals(TRAINING);
      for (org.apache.avro.Schema.Field f : w.getSchema().getFields()) {
        if (!f.name().equals("system_prompt")) {
          assertEquals(String.valueOf(w.get(f.name())), String.valueOf(e.get(f.name())), f.name());
        }
      }
    }
    assertTrue(someDiffered, "the generating prompts were not the training one");
    JsonNode record = new ObjectMapper().readTree(dest.resolve("export.json").toFile());
    assertEquals("erased", record.at("/system_prompt/view").asText());
    assertEquals(TRAINING, record.at("/system_prompt/training_system_prompt").asText());
    assertTrue(
        Files.readString(dest.resolve("PROVENANCE.md")).contains("System prompts are erased"));
    String card = Files.readString(output.resolve("README.md"));
    assertTrue(card.contains("`training_system_prompt` is `" + TRAINING + "`"), card);
  }

  /** Renders the page in headless Chromium (installed by .ci/run) and returns the screenshot. */
  static BufferedImage screenshot(Path html) throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    if (!Files.isExecutable(chromium)) {
      if ("1".equals(System.getenv("ORCASET_REQUIRE_CHROMIUM"))) {
        fail("chromium is not installed (apt-get install chromium); .ci/run installs it");
      }
      Assumptions.abort("chromium is not installed; .ci/run installs it and requires this test");
    }
    Path png = html.resolveSibling("report.png");
    Process p =
        new ProcessBuilder(
                chromium.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium-profile"),
                "--window-size=1280,2600",
                "--screenshot=" + png,
                html.toUri().toString())
            .redirectErrorStream(true)
            .redirectOutput(html.resolveSibling("chromium.log").toFile())
            .start();
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium did not finish in 90 s");
    assertTrue(
        Files.exists(png),
        "chromium wrote no screenshot: " + Files.readString(html.resolveSibling("chromium.log")));
    return ImageIO.read(new File(png.toString()));
  }

  static int count(BufferedImage img, int rgb) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int c = img.getRGB(x, y) & 0xFFFFFF;
        if (Math.abs((c >> 16) - (rgb >> 16)) <= 3
            && Math.abs(((c >> 8) & 0xFF) - ((rgb >> 8) & 0xFF)) <= 3
            && Math.abs((c & 0xFF) - (rgb & 0xFF)) <= 3) {
          n++;
        }
      }
    }
    return n;
  }
}
