package dev.orcaset.pipeline;

import dev.orcaset.pipeline.Tally.Measure;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A run's totals, read by measure: what the manifest and the estimate are written from. */
record Tallies(Map<Tally, Long> totals) {
  Tallies {
    totals = Map.copyOf(totals);
  }

  /** The total of one tally; 0 when nothing was counted. */
  long get(Measure m, String... labels) {
    return totals.getOrDefault(new Tally(m, List.of(labels)), 0L);
  }

  /** The sum of a measure's totals over all its labels. */
  long sum(Measure m) {
    long sum = 0;
    for (Map.Entry<Tally, Long> e : totals.entrySet()) {
      sum += e.getKey().measure() == m ? e.getValue() : 0;
    }
    return sum;
  }

  /** A one-label measure as label → total, in label order. */
  Map<String, Long> byLabel(Measure m) {
    Map<String, Long> out = new TreeMap<>();
    totals.forEach(
        (t, n) -> {
          if (t.measure() == m) {
            out.put(t.labels().get(0), n);
          }
        });
    return out;
  }

  /** A two-label measure as first label → second label → total, in label order. */
  Map<String, Map<String, Long>> byTwoLabels(Measure m) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    totals.forEach(
        (t, n) -> {
          if (t.measure() == m) {
            out.computeIfAbsent(t.labels().get(0), k -> new TreeMap<>()).put(t.labels().get(1), n);
          }
        });
    return out;
  }

  /** Every tally of a measure with its total, most first, then by labels. */
  List<Map.Entry<List<String>, Long>> entries(Measure m) {
    List<Map.Entry<List<String>, Long>> out = new ArrayList<>();
    totals.forEach(
        (t, n) -> {
          if (t.measure() == m) {
            out.add(Map.entry(t.labels(), n));
          }
        });
    out.sort(
        Comparator.comparingLong((Map.Entry<List<String>, Long> e) -> -e.getValue())
            .thenComparing(e -> String.join("\u0000", e.getKey())));
    return out;
  }
}
