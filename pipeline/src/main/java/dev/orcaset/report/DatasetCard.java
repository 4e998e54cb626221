package dev.orcaset.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * `OUTPUT/README.md`: a Hugging Face dataset card. The YAML header names the license (`other`
 * unless every row carries one standard license), the size category and task categories, and
 * `configs` pointing at the snapshot's Parquet partitions (all rows, cleared rows, each license
 * tag); then the summary sections, the fields, and how to load the data.
 */
public final class DatasetCard {
  public static final String FILE = "README.md";

  /** License tags that are also Hugging Face license identifiers. */
  private static final Set<String> HUB_LICENSES =
      Set.of("apache-2.0", "mit", "cc-by-4.0", "cc-by-sa-4.0", "cc-by-nc-4.0");

  /** The dataset's columns and what they hold (a test checks it against the Parquet schema). */
  public static final Map<String, String> FIELDS = fields();

  private DatasetCard() {}

  public static String render(JsonNode manifestJson) {
    Manifest m = new Manifest(manifestJson);
    StringBuilder md = new StringBuilder();
    header(m, md);
    String snapshot = m.json().path("snapshot").path("id").asText();
    md.append("# Orca-style explanation dataset, snapshot ").append(snapshot).append("\n\n");
    md.append(
            "Synthetic instruction data made by [orcaset](https://github.com/orcaset): questions"
                + " from the FLAN v2 ")
        .append(
            "collection, each sent to a teacher model with a system prompt that asks for"
                + " step-by-step reasoning ")
        .append(
            "(\"explanation tuning\", Mukherjee et al. 2023, arXiv:2306.02707). The teacher's"
                + " answers are the ")
        .append("training targets; FLAN's own short targets are kept as `reference_answer`.\n\n");
    md.append(
            "**Before training a commercial model, filter on `commercial_use`.** Read the License"
                + " section: ")
        .append(
            "some teachers' terms forbid using their output to build competing models, and some"
                + " FLAN source ")
        .append("datasets are non-commercial.\n\n");
    Markdown.sections(SummarySections.of(m), md);
    md.append("## Fields\n\n");
    FIELDS.forEach(
        (name, what) -> md.append("- `").append(name).append("`: ").append(what).append('\n'));
    md.append('\n');
    loading(m, md);
    return md.toString();
  }

  /**
   * The source datasets section alone, for a manifest-like document with a `provenance` list: what
   * an export of some rows carries.
   */
  public static String provenance(JsonNode withProvenance) {
    StringBuilder md = new StringBuilder();
    Markdown.sections(List.of(SummarySections.provenance(new Manifest(withProvenance))), md);
    return md.toString();
  }

  private static void header(Manifest m, StringBuilder md) {
    List<String> tags =
        m.json().path("licenses").findValuesAsText("tag").stream().distinct().toList();
    String data = m.snapshotData();
    md.append("---\n");
    md.append("pretty_name: Orca-style explanations (orcaset snapshot ")
        .append(m.json().path("snapshot").path("id").asText())
        .append(")\n");
    if (tags.size() == 1 && HUB_LICENSES.contains(tags.get(0))) {
      md.append("license: ").append(tags.get(0)).append('\n');
    } else {
      md.append("license: other\n");
      md.append("license_name: per-row\n");
      md.append(
              "license_details: >-\n"
                  + "  Rows differ: each carries license_tag, commercial_use and license_reasons\n")
          .append("  (tags here: ")
          .append(tags.isEmpty() ? "none" : String.join(", ", tags))
          .append("). See the License section.\n");
    }
    md.append("language:\n- en\n");
    md.append("size_categories:\n- ").append(m.sizeCategory()).append('\n');
    md.append("task_categories:\n- text-generation\n- question-answering\n");
    md.append("tags:\n- synthetic\n- orca\n- flan\n- explanation-tuning\n");
    md.append("configs:\n");
    config(md, "default", data + "*/*/*.parquet", true);
    if (m.commercialRows() > 0) {
      config(md, "commercial_use", data + "commercial_use=true/*/*.parquet", false);
    }
    for (String tag : tags) {
      config(
          md,
          "license_" + tag.replaceAll("[^a-z0-9]+", "_"),
          data + "*/license_tag=" + tag + "/*.parquet",
          false);
    }
    md.append("---\n\n");
  }

  private static void config(StringBuilder md, String name, String path, boolean isDefault) {
    md.append("- config_name: ").append(name).append('\n');
    if (isDefault) {
      md.append("  default: true\n");
    }
    md.append("  data_files:\n  - split: train\n    path: \"").append(path).append("\"\n");
  }

  private static void loading(Manifest m, StringBuilder md) {
    String data = m.snapshotData();
    md.append("## How to load\n\n");
    md.append("Paths are relative to this folder. With Hugging Face `datasets`:\n\n```python\n")
        .append("from datasets import load_dataset\n")
        .append("ds = load_dataset(\"parquet\", data_files=\"")
        .append(data)
        .append("*/*/*.parquet\", split=\"train\")\n")
        .append("cleared = ds.filter(lambda row: row[\"commercial_use\"])\n```\n\n");
    md.append("With DuckDB:\n\n```sql\n")
        .append("SELECT license_tag, commercial_use, count(*) AS rows\n")
        .append("FROM read_parquet('")
        .append(data)
        .append("*/*/*.parquet')\nGROUP BY ALL ORDER BY rows DESC;\n```\n\n");
    md.append("With pandas:\n\n```python\nimport glob\nimport pandas as pd\n")
        .append("df = pd.concat(pd.read_parquet(f) for f in sorted(glob.glob(\"")
        .append(data)
        .append("*/*/*.parquet\")))\n")
        .append("cleared = df[df.commercial_use]\n```\n\n");
    md.append(
        "Or copy just the cleared rows with `./orcaset export --commercial-only OUTPUT DEST`.\n");
  }

  private static Map<String, String> fields() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("id", "stable id of the FLAN input record");
    f.put("source", "FLAN submix: CoT, NIv2, T0 or Flan2021");
    f.put("task_name", "FLAN task name");
    f.put("template_type", "FLAN template type (zs_opt, zs_noopt, …)");
    f.put("question_type", "multiple_choice (the question lists its choices) or open");
    f.put("system_prompt_id", "which system prompt of the set was used");
    f.put("system_prompt", "the system prompt's text (empty for the no-system-message prompt)");
    f.put(
        "training_system_prompt",
        "the generic system prompt to train with under prompt erasure"
            + " (`prompts.training_system_prompt`, the same on every row; empty by default)");
    f.put("question", "the user message sent (FLAN `inputs`)");
    f.put("response", "the teacher's answer: the training target");
    f.put(
        "reasoning",
        "a reasoning model's reasoning, apart from its answer (null when the server sent none)");
    f.put("reference_answer", "FLAN's own target, for checking answers");
    f.put(
        "target_check",
        "match, mismatch or unchecked: the answer's final answer against the target");
    f.put("target_check_method", "the comparator: option, label, number, span, or none");
    f.put("judge_score", "the LLM judge's score from 1 to 10 (null when no judge graded the row)");
    f.put("judge_reason", "the judge's reason, or why it could not score the row");
    f.put("tier", "the teacher tier that answered: 1 the run's teacher, 2 and on each later tier");
    f.put("teacher_provider", "provider as configured");
    f.put("teacher_model", "model as configured");
    f.put("served_model", "model the server said answered");
    f.put("finish_reason", "why the teacher stopped");
    f.put("prompt_tokens", "prompt tokens, as the teacher counted them");
    f.put("completion_tokens", "answer tokens, as the teacher counted them");
    f.put("reasoning_tokens", "of those, spent on reasoning (0 where not reported)");
    f.put("attempts", "HTTP attempts the answer took");
    f.put("license_tag", "license verdict (also a partition folder)");
    f.put(
        "commercial_use",
        "true only if teacher terms and source license both allow training commercial models (also"
            + " a partition folder)");
    f.put(
        "license_reasons",
        "every reason behind the verdict, with the terms or license cited and the date it was"
            + " read");
    f.put(
        "source_dataset",
        "the FLAN source dataset the task draws on (the Data Provenance audit's id; empty when the"
            + " audit does not list the task)");
    f.put("source_license", "the source side of the verdict: the source dataset's license tag");
    f.put(
        "source_reviewed",
        "whether the source license was reviewed (the audit or an override), not the catch-all");
    f.put("generated_at", "when the answer was received");
    f.put("run_id", "the run that paid for the answer");
    f.put("request_hash", "hash of the exact request; the journal's key");
    f.put("input_file", "the input file the question came from");
    f.put("input_line", "its line (or row) in that file");
    return f;
  }
}
