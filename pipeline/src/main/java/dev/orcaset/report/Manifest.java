package dev.orcaset.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orcaset.io.Json;
import dev.orcaset.io.JsonFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Read access to a dataset's `manifest.json`, with the few derived figures every view shows. */
public record Manifest(JsonNode json) {
  public static Manifest read(String outputDir) throws IOException {
    return new Manifest(JsonFiles.read(outputDir, "manifest.json"));
  }

  public static Manifest parse(String text) throws IOException {
    return new Manifest(Json.mapper().readTree(text));
  }

  public long count(String outcome) {
    return json.path("counts").path(outcome).asLong();
  }

  public String snapshotData() {
    return json.path("snapshot").path("data").asText("data/");
  }

  public JsonNode config(String section) {
    return json.path("config").path(section);
  }

  /** Rows per key of one `samples_by_*` group, in the manifest's (sorted) order. */
  public List<Map.Entry<String, Long>> group(String name) {
    List<Map.Entry<String, Long>> out = new ArrayList<>();
    json.path(name)
        .fields()
        .forEachRemaining(e -> out.add(Map.entry(e.getKey(), e.getValue().asLong())));
    return out;
  }

  /** One figure of a section, e.g. {@code figure("journal", "questions_sent")}; 0 when absent. */
  public long figure(String section, String name) {
    return json.path(section).path(name).asLong();
  }

  /** Whether every input record is accounted for (the run's own check). */
  public boolean balanced() {
    return json.path("accounting").path("balanced").asBoolean();
  }

  public long unaccounted() {
    return json.path("accounting").path("unaccounted").asLong();
  }

  public String journalDir() {
    return json.path("journal").path("dir").asText();
  }

  public double wallSeconds() {
    return json.path("run").path("wall_seconds").asDouble();
  }

  /** The run's cost in USD, when the price list knows the model. */
  public Optional<Double> costUsd() {
    JsonNode usd = json.path("cost").path("estimated_usd");
    return usd.isNumber() ? Optional.of(usd.asDouble()) : Optional.empty();
  }

  public String priceAsOf() {
    return json.path("cost").path("price_as_of").asText();
  }

  /** Whether the cost was priced at the Batch API's rates. */
  public boolean batchPrices() {
    return json.path("cost").path("price_source").asText("").contains("batch API");
  }

  public long commercialRows() {
    return json.path("samples_by_commercial_use").path("true").asLong();
  }

  /** Hugging Face's size categories. */
  public String sizeCategory() {
    long n = count("samples");
    long[] edges = {1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000};
    String[] names = {
      "n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M", "10M<n<100M", "100M<n<1B"
    };
    for (int i = 0; i < edges.length; i++) {
      if (n < edges[i]) {
        return names[i];
      }
    }
    return "n>1B";
  }

  /**
   * The completion-token count below which a share {@code q} of rows fall, read off the histogram:
   * the bin's upper edge, so an upper bound ("at most").
   */
  public static long quantileUpperBound(JsonNode histogram, double q) {
    long total = 0;
    for (JsonNode bin : histogram) {
      total += bin.path("rows").asLong();
    }
    long seen = 0;
    for (JsonNode bin : histogram) {
      seen += bin.path("rows").asLong();
      if (seen >= Math.ceil(q * total)) {
        return bin.has("below") ? bin.get("below").asLong() : bin.path("from").asLong();
      }
    }
    return 0;
  }

  /** What a quota's `left_out_before` counts, as "reason N" items. */
  static List<String> leftOutBefore(JsonNode quota) {
    List<String> why = new ArrayList<>();
    quota
        .path("left_out_before")
        .properties()
        .forEach(r -> why.add(r.getKey() + " " + number(r.getValue().asLong())));
    return why;
  }

  /** One line per submix whose quota its eligible rows could not fill: wanted, had, and why. */
  public List<String> shortfalls() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : json.path("quotas").properties()) {
      JsonNode q = e.getValue();
      if (q.path("short_by").asLong() <= 0) {
        continue;
      }
      List<String> why = leftOutBefore(q);
      out.add(
          e.getKey()
              + ": wanted "
              + number(q.path("wanted").asLong())
              + ", only "
              + number(q.path("available").asLong())
              + " eligible (short by "
              + number(q.path("short_by").asLong())
              + (why.isEmpty() ? "" : "; left out before the quota: " + String.join(", ", why))
              + ")");
    }
    return out;
  }

  /**
   * How many answers hit the token bound, and what asking only them again at twice the bound would
   * cost at most; or that none did.
   */
  public String truncationNote() {
    JsonNode t = json.path("truncated");
    long rows = t.path("rows").asLong();
    long answered = t.path("answered").asLong();
    int bound = t.path("max_tokens").asInt();
    if (rows == 0) {
      return "none of " + number(answered) + " answers hit max_tokens " + bound;
    }
    JsonNode reask = t.path("reask");
    String cost =
        reask.path("cost_usd_max").isNumber()
            ? String.format(Locale.ROOT, "at most $%.4f", reask.path("cost_usd_max").asDouble())
            : "an unknown amount (no price for this model)";
    return number(rows)
        + " of "
        + number(answered)
        + " answers ("
        + percent(rows, answered)
        + ") hit max_tokens "
        + bound
        + " (finish_reason length); asking only them again at max_tokens "
        + reask.path("max_tokens").asInt()
        + " costs "
        + cost
        + ": raise teacher.max_tokens and run again (finished answers are reused)";
  }

  static String number(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String percent(long part, long whole) {
    return whole == 0 ? "0%" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
  }
}
