package dev.orcaset.flan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orcaset.model.DropReason;
import dev.orcaset.model.FlanRecord;
import dev.orcaset.model.Origin;
import dev.orcaset.model.Rejection;
import java.io.Serializable;
import java.util.Locale;

/**
 * Turns one input line (JSONL) or row (Parquet, as a JSON tree) into a {@link FlanRecord} or a
 * {@link Rejection}. Accepts both spellings found in public FLAN v2 exports: plain (`task_source`)
 * and underscore-prefixed (`_task_source`, as in the copy OpenOrca used).
 */
public final class FlanRecordParser implements Serializable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Rejection reasons, stable strings: manifests and users' scripts key on them. */

  /** Either a record or a rejection, never both. */
  public record Parsed(FlanRecord record, Rejection rejection) {}

  public Parsed parseLine(String line, Origin origin) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr();
      return reject(origin, DropReason.NOT_JSON, e.getOriginalMessage() + where, line);
    }
    return parseNode(node, origin, line);
  }

  public Parsed parseNode(JsonNode node, Origin origin, String raw) {
    if (node == null || !node.isObject()) {
      return reject(
          origin, DropReason.NOT_AN_OBJECT, "expected a JSON object with an \"inputs\" field", raw);
    }
    JsonNode inputs = node.get("inputs");
    if (inputs == null || inputs.isNull()) {
      return reject(origin, DropReason.MISSING_INPUTS, "no \"inputs\" field", raw);
    }
    if (!inputs.isTextual()) {
      return reject(
          origin, DropReason.BAD_FIELD, "inputs: expected a string, got " + kind(inputs), raw);
    }
    if (inputs.asText().isBlank()) {
      return reject(origin, DropReason.BLANK_INPUTS, "\"inputs\" is empty or whitespace", raw);
    }
    Integer templateIdx = null;
    JsonNode idx = either(node, "_template_idx", "template_idx");
    if (idx != null) {
      if (idx.isIntegralNumber() && idx.canConvertToInt()) {
        templateIdx = idx.intValue();
      } else if (isIntegerText(idx)) {
        templateIdx = Integer.valueOf(idx.asText().trim());
      } else {
        return reject(
            origin,
            DropReason.BAD_FIELD,
            "_template_idx: expected an integer, got " + kind(idx),
            raw);
      }
    }
    FlanRecord record =
        new FlanRecord(
            inputs.asText(),
            text(node.get("targets")),
            text(either(node, "task_source", "_task_source")),
            text(either(node, "task_name", "_task_name")),
            text(either(node, "template_type", "_template_type")),
            templateIdx,
            origin);
    return new Parsed(record, null);
  }

  private static Parsed reject(Origin origin, DropReason reason, String detail, String raw) {
    return new Parsed(null, Rejection.of(origin, reason, detail, raw));
  }

  /** The plain spelling wins when a row carries both. */
  private static JsonNode either(JsonNode node, String plain, String prefixed) {
    JsonNode v = node.get(plain);
    return v == null || v.isNull() ? node.get(prefixed) : v;
  }

  private static String text(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    // Some exports store targets as a list of acceptable answers; keep them all as JSON.
    return v.isValueNode() ? v.asText() : v.toString();
  }

  private static boolean isIntegerText(JsonNode v) {
    return v.isTextual() && v.asText().trim().matches("-?\\d{1,9}");
  }

  private static String kind(JsonNode v) {
    return v.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
