package dev.orcaset.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orcaset.io.Json;
import dev.orcaset.quality.QualityGates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The manifest's descriptive sections, built from the tallies: what the card and `inspect` show. */
final class ManifestSections {
  private ManifestSections() {}

  /** One entry per license verdict (tag, cleared, reasons), most rows first. */
  static ArrayNode licenses(Map<String, Long> tallies) {
    List<ObjectNode> verdicts = new ArrayList<>();
    CountOutcomes.group(tallies, "license_verdicts").fields().forEachRemaining(e -> {
      JsonNode key = parse(e.getKey());
      ObjectNode v = Json.mapper().createObjectNode()
          .put("tag", key.get(0).asText())
          .put("commercial_use", key.get(1).asBoolean())
          .put("rows", e.getValue().asLong());
      ArrayNode reasons = v.putArray("reasons");
      for (int i = 2; i < key.size(); i++) {
        reasons.add(key.get(i).asText());
      }
      verdicts.add(v);
    });
    verdicts.sort(Comparator.comparingLong((ObjectNode v) -> -v.get("rows").asLong())
        .thenComparing(v -> v.get("tag").asText()));
    ArrayNode out = Json.mapper().createArrayNode();
    verdicts.forEach(out::add);
    return out;
  }

  /** Every gate, whether it ran and how many rows it dropped. */
  static ArrayNode qualityGates(List<QualityGates.Gate> gates, Map<String, Long> tallies) {
    ArrayNode out = Json.mapper().createArrayNode();
    for (QualityGates.Gate g : gates) {
      out.addObject().put("rule", g.rule()).put("enabled", g.enabled()).put("drops", g.drops())
          .put("filtered", tallies.getOrDefault("dropped_by_reason." + g.rule(), 0L));
    }
    return out;
  }

  /** Per submix: rows, token sums, mean and longest answer, and the completion-token histogram. */
  static ObjectNode tokens(Map<String, Long> tallies) {
    ObjectNode out = Json.mapper().createObjectNode();
    CountOutcomes.group(tallies, "samples_by_source").fields().forEachRemaining(e -> {
      String source = e.getKey();
      long rows = e.getValue().asLong();
      long completion = tallies.getOrDefault("tokens_completion." + source, 0L);
      ObjectNode s = out.putObject(source)
          .put("rows", rows)
          .put("prompt_tokens", tallies.getOrDefault("tokens_prompt." + source, 0L))
          .put("completion_tokens", completion)
          .put("mean_completion_tokens", rows == 0 ? 0 : Math.round(completion * 10.0 / rows) / 10.0)
          .put("max_completion_tokens", tallies.getOrDefault("tokens_max." + source, 0L));
      TreeMap<Long, Long> bins = new TreeMap<>();
      CountOutcomes.group(tallies, "tokens_histogram." + source).fields()
          .forEachRemaining(b -> bins.put(Long.parseLong(b.getKey()), b.getValue().asLong()));
      ArrayNode histogram = s.putArray("completion_histogram");
      long[] edges = CountOutcomes.TOKEN_BINS;
      long last = bins.isEmpty() ? 0 : bins.lastKey();
      // Every bin from 0 to the one past the last filled, empty ones included: the chart's x axis.
      for (int i = 0; i < edges.length && (i == 0 || edges[i - 1] <= last); i++) {
        ObjectNode bin = histogram.addObject().put("from", edges[i]);
        if (i + 1 < edges.length) {
          bin.put("below", edges[i + 1]);
        }
        bin.put("rows", bins.getOrDefault(edges[i], 0L));
      }
    });
    return out;
  }

  /** The prompt set: each prompt's id, file and rows. */
  static ArrayNode systemPrompts(Map<Integer, String> files, Map<String, Long> tallies) {
    ArrayNode out = Json.mapper().createArrayNode();
    files.forEach((id, file) -> out.addObject().put("id", id).put("file", file)
        .put("rows", tallies.getOrDefault("samples_by_system_prompt." + id, 0L)));
    return out;
  }

  private static JsonNode parse(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("a license verdict key is not JSON: " + json, e);
    }
  }
}
