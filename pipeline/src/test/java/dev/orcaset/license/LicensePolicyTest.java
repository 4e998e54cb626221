package dev.orcaset.license;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.TestRuns;
import dev.orcaset.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LicensePolicyTest {
  private static final LicensePolicy BUNDLED =
      LicensePolicy.load(TestRuns.HOME.resolve("config/licenses.yaml"));

  @Test
  void hostedTeachersAreNotClearedForCommercialTraining_withTheTermsCited() {
    for (String[] t :
        new String[][] {
          {"openai", "gpt-4o"},
          {"azure-openai", "my-deployment"},
          {"openai-compatible", "gpt-4o-mini"},
          {"anthropic", "claude-3-5-sonnet"},
          {"google", "gemini-1.5-pro"}
        }) {
      LicenseTag tag = BUNDLED.tag(t[0], t[1], "NIv2", "task1");
      assertFalse(tag.commercialUse(), t[0] + "/" + t[1]);
      assertTrue(tag.tag().endsWith("-terms"), tag.tag());
      assertTrue(tag.reasons().get(0).contains("Terms"), tag.reasons().get(0));
    }
  }

  @Test
  void theSimulatedTeacherIsTaggedSimulated() {
    LicenseTag tag = BUNDLED.tag("simulated", "orcaset-sim-1", "CoT", "cot_gsm8k");
    assertEquals("simulated", tag.tag());
    assertFalse(tag.commercialUse());
  }

  @Test
  void anUnknownTeacherIsNeverAssumedPermitted() {
    LicenseTag tag = BUNDLED.tag("vllm", "some-new-model", "T0", "x");
    assertEquals("unknown", tag.tag());
    assertFalse(tag.commercialUse());
    assertTrue(tag.reasons().get(0).contains("not covered"), tag.reasons().get(0));
  }

  @Test
  void theMostRestrictiveSideWins_andEveryReasonIsKept() {
    LicenseRule permissiveTeacher =
        new LicenseRule(
            Map.of("model", "mistral-7b*"),
            "apache-2.0",
            true,
            "Apache-2.0 weights",
            "model card",
            "2026-11-23");
    LicenseRule ncSource =
        new LicenseRule(
            Map.of("task_name", "task_nc_*"),
            "cc-by-nc-4.0",
            false,
            "non-commercial dataset",
            "dataset card",
            "2026-11-23");
    LicenseRule okSource = new LicenseRule(Map.of(), "cc-by-4.0", true, "CC BY", null, null);
    LicensePolicy p =
        new LicensePolicy("t", List.of(permissiveTeacher), List.of(ncSource, okSource));

    LicenseTag restricted = p.tag("vllm", "mistral-7b-instruct", "NIv2", "task_nc_17");
    assertEquals("cc-by-nc-4.0", restricted.tag(), "the source restricts, so its tag shows");
    assertFalse(restricted.commercialUse());
    assertEquals(2, restricted.reasons().size());
    assertTrue(
        restricted
            .reasons()
            .get(1)
            .contains("non-commercial dataset [dataset card, as of 2026-11-23]"));

    LicenseTag cleared = p.tag("vllm", "Mistral-7B-Instruct", "NIv2", "task_ok");
    assertTrue(cleared.commercialUse(), "matching is case-insensitive");
    assertEquals("apache-2.0", cleared.tag());
  }

  /**
   * The bundled policy's verdicts, one row per case: provider, model, submix, task, expected tag,
   * expected commercial_use. The tag is the teacher's unless the source restricts more: GSM8K's MIT
   * license clears with a condition (credit it), so a cleared teacher's rows show `mit`.
   */
  @ParameterizedTest(name = "{0}/{1} + {2}/{3} -> {4} {5}")
  @CsvSource({
    "openai,            gpt-4o,                                 CoT,      cot_gsm8k,               "
        + "           openai-terms,          false",
    "openai-compatible, openrouter/gpt-4o-mini,                 CoT,      cot_gsm8k,               "
        + "           openai-terms,          false",
    "azure-openai,      prod-deployment-7,                      CoT,      cot_gsm8k,               "
        + "           openai-terms,          false",
    "anthropic,         claude-sonnet-4-5,                      CoT,      cot_gsm8k,               "
        + "           anthropic-terms,       false",
    "bedrock,           anthropic.claude-3-5-sonnet-20240620-v1:0, CoT,   cot_gsm8k,               "
        + "           anthropic-terms,       false",
    "google,            gemini-2.0-flash,                       CoT,      cot_gsm8k,               "
        + "           gemini-api-terms,      false",
    "vllm,              meta-llama/Llama-3.1-70B-Instruct,      CoT,      cot_gsm8k,               "
        + "           llama-license,         false",
    "ollama,            llama3.3:70b,                           CoT,      cot_gsm8k,               "
        + "           llama-license,         false",
    "vllm,              meta-llama/Meta-Llama-3-8B-Instruct,    CoT,      cot_gsm8k,               "
        + "           llama-license,         false",
    "vllm,              meta-llama/Llama-2-13b-chat-hf,         CoT,      cot_gsm8k,               "
        + "           llama-license,         false",
    "vllm,              mistralai/Mistral-7B-Instruct-v0.3,     CoT,      cot_gsm8k,               "
        + "           mit,                   true",
    "ollama,            mixtral:8x7b,                           CoT,      cot_gsm8k,               "
        + "           mit,                   true",
    "vllm,              Qwen/Qwen2.5-7B-Instruct,               CoT,      cot_gsm8k,               "
        + "           mit,                   true",
    "ollama,            qwen2.5:32b,                            CoT,      cot_gsm8k,               "
        + "           mit,                   true",
    "vllm,              Qwen/Qwen2.5-3B-Instruct,               CoT,      cot_gsm8k,               "
        + "           qwen-research-license, false",
    "vllm,              Qwen/Qwen2.5-72B-Instruct,              CoT,      cot_gsm8k,               "
        + "           qwen-license,          false",
    "llama.cpp,         microsoft/Phi-4,                        CoT,      cot_gsm8k,               "
        + "           mit,                   true",
    "ollama,            phi3:mini,                              CoT,      cot_gsm8k,               "
        + "           mit,                   true",
    "vllm,              mistralai/Mistral-Large-Instruct-2407,  CoT,      cot_gsm8k,               "
        + "           mistral-restricted,    false",
    "vllm,              google/gemma-2-27b-it,                  CoT,      cot_gsm8k,               "
        + "           gemma-terms,           false",
    "simulated,         orcaset-sim-1,                          CoT,      cot_gsm8k,               "
        + "           simulated,             false",
    "vllm,              some-new-model,                         CoT,      cot_gsm8k,               "
        + "           unknown,               false",
    // teachers added from their model cards; CoT / cot_esnli is CC BY-SA 4.0, cleared with
    // conditions
    "vllm,              openai/gpt-oss-120b,                    CoT,      cot_esnli,               "
        + "           cc-by-sa-4.0,          true",
    "ollama,            gpt-oss:20b,                            CoT,      cot_esnli,               "
        + "           cc-by-sa-4.0,          true",
    "vllm,              deepseek-ai/DeepSeek-R1,                CoT,      cot_esnli,               "
        + "           cc-by-sa-4.0,          true",
    "vllm,              deepseek-ai/DeepSeek-R1-Distill-Qwen-32B, CoT,    cot_esnli,               "
        + "           cc-by-sa-4.0,          true",
    "ollama,            deepseek-r1:14b,                        CoT,      cot_esnli,               "
        + "           cc-by-sa-4.0,          true",
    "vllm,              deepseek-ai/DeepSeek-R1-Distill-Llama-70B, CoT,   cot_esnli,               "
        + "           llama-license,         false",
    "ollama,            deepseek-r1:8b,                         CoT,      cot_esnli,               "
        + "           llama-license,         false",
    "vllm,              Qwen/Qwen3-235B-A22B-Instruct-2507,     CoT,      cot_esnli,               "
        + "           cc-by-sa-4.0,          true",
    "ollama,            qwen3:8b,                               CoT,      cot_esnli,               "
        + "           cc-by-sa-4.0,          true",
    "openai-compatible, qwen3-max,                              CoT,      cot_esnli,               "
        + "           unknown,               false",
    "vllm,              mistralai/Mistral-Small-3.1-24B-Instruct-2503, CoT, cot_esnli,             "
        + "           cc-by-sa-4.0,          true",
    "ollama,            mistral-small:24b,                      CoT,      cot_esnli,               "
        + "           cc-by-sa-4.0,          true",
    "vllm,              meta-llama/Llama-4-Scout-17B-16E-Instruct, CoT,   cot_esnli,               "
        + "           llama-license,         false",
    "vllm,              google/gemma-3-27b-it,                  CoT,      cot_esnli,               "
        + "           gemma-terms,           false",
    // a cleared teacher: the source decides
    "vllm,              Qwen/Qwen2.5-14B-Instruct,              Flan2021, anli_r1:0.1.0,           "
        + "           cc-by-nc-4.0,          false",
    "vllm,              Qwen/Qwen2.5-14B-Instruct,              NIv2,    "
        + " task1387_anli_r3_entailment,        cc-by-nc-4.0,          false",
    "vllm,              Qwen/Qwen2.5-14B-Instruct,              Flan2021, snli:1.1.0,              "
        + "           cc-by-sa-4.0,          true",
    "vllm,              Qwen/Qwen2.5-14B-Instruct,              T0,      "
        + " adversarial_qa_dbert_answer_the_following_q, cc-by-sa-3.0, true",
    "vllm,              Qwen/Qwen2.5-14B-Instruct,              NIv2,    "
        + " task1283_hrngo_quality_classification, flan-unreviewed,  false",
    "vllm,              Qwen/Qwen2.5-14B-Instruct,              NIv2,     cot_gsm8k,               "
        + "           flan-unreviewed,       false",
    // a restricted teacher keeps its own tag whatever the source
    "openai,            gpt-4o,                                 Flan2021, anli_r1:0.1.0,           "
        + "           openai-terms,          false",
  })
  void theBundledPolicyDecidesEachTeacherAndSource(
      String provider, String model, String submix, String task, String tag, boolean commercial) {
    LicenseTag verdict = BUNDLED.tag(provider, model, submix, task);
    assertEquals(tag, verdict.tag(), verdict.reasons().toString());
    assertEquals(commercial, verdict.commercialUse(), verdict.reasons().toString());
    assertEquals(2, verdict.reasons().size());
    assertTrue(
        verdict.reasons().get(0).startsWith("teacher: ")
            && verdict.reasons().get(1).startsWith("source: "));
  }

  @Test
  void aConditionClearsOnlyOnceThePolicyRecordsItAsMet() {
    LicenseRule llama =
        new LicenseRule(
            Map.of("model", "llama-3.1*"),
            "llama-license",
            true,
            "name the model Llama",
            false,
            "outputs may improve other models",
            "Llama 3.1 license",
            "2026-11-23");
    LicenseRule met =
        new LicenseRule(
            Map.of("model", "llama-3.1*"),
            "llama-license",
            true,
            "name the model Llama",
            true,
            "outputs may improve other models",
            "Llama 3.1 license",
            "2026-11-23");
    LicenseRule mit = new LicenseRule(Map.of(), "mit", true, "MIT", "card", "2026-11-23");

    LicenseTag open =
        new LicensePolicy("t", List.of(llama), List.of(mit))
            .tag("vllm", "llama-3.1-8b", "CoT", "x");
    assertEquals("llama-license", open.tag());
    assertFalse(open.commercialUse());
    assertTrue(
        open.reasons().get(0).contains("condition: name the model Llama (not recorded as met"),
        open.reasons().get(0));

    LicenseTag done =
        new LicensePolicy("t", List.of(met), List.of(mit)).tag("vllm", "llama-3.1-8b", "CoT", "x");
    assertTrue(done.commercialUse());
    assertEquals("llama-license", done.tag());
    assertTrue(
        done.reasons().get(0).contains("(recorded as met in the policy)"), done.reasons().get(0));
  }

  @Test
  void theFirstMatchingRuleOfEachListApplies() {
    LicenseRule specific =
        new LicenseRule(
            Map.of("model", "re:qwen2\\.5-3b.*"), "research", false, "r", "s", "2026-11-23");
    LicenseRule general =
        new LicenseRule(Map.of("model", "qwen2.5-*"), "apache-2.0", true, "a", "s", "2026-11-23");
    LicenseRule any = new LicenseRule(Map.of(), "ok", true, "o", "s", "2026-11-23");
    assertEquals(
        "research",
        new LicensePolicy("t", List.of(specific, general), List.of(any))
            .tag("x", "qwen2.5-3b", "T0", "t")
            .tag());
    assertEquals(
        "apache-2.0",
        new LicensePolicy("t", List.of(general, specific), List.of(any))
            .tag("x", "qwen2.5-3b", "T0", "t")
            .tag());
    LicenseTag noSource =
        new LicensePolicy("t", List.of(general), List.of()).tag("x", "qwen2.5-7b", "T0", "t");
    assertEquals(LicensePolicy.UNKNOWN_SOURCE, noSource.tag());
    assertFalse(noSource.commercialUse());
  }

  @Test
  void policyErrorsNameTheKey(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("p.yaml");
    String ok = "source: s, as_of: '2026-11-23'";
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put(
        "version: '1'\n"
            + "teachers:\n"
            + "  - {match: {vendor: x}, tag: t, commercial_use: false, reason: r, "
            + ok
            + "}\n",
        "teachers[0].match.vendor");
    cases.put(
        "version: '1'\nteachers:\n  - {match: {model: x}, tag: t, reason: r, " + ok + "}\n",
        "teachers[0].commercial_use");
    cases.put(
        "version: '1'\n"
            + "teachers:\n"
            + "  - {match: {model: x}, tag: t, commercial_use: true, reason: r, licence: y, "
            + ok
            + "}\n",
        "teachers[0].licence");
    cases.put(
        "version: '1'\n"
            + "sources:\n"
            + "  - {match: {task_name: 're:task(1'}, tag: t, commercial_use: true, reason: r, "
            + ok
            + "}\n",
        "sources[0].match.task_name");
    cases.put(
        "version: '1'\n"
            + "sources:\n"
            + "  - {match: {}, tag: t, commercial_use: true, reason: r, as_of: '2026-11-23'}\n",
        "sources[0].source");
    cases.put(
        "version: '1'\n"
            + "sources:\n"
            + "  - {match: {}, tag: t, commercial_use: true, reason: r, source: s, as_of: last"
            + " week}\n",
        "sources[0].as_of");
    cases.put(
        "version: '1'\n"
            + "sources:\n"
            + "  - {match: {}, tag: t, commercial_use: true, reason: r, source: s}\n",
        "sources[0].as_of");
    cases.put(
        "version: '1'\n"
            + "teachers:\n"
            + "  - {match: {}, tag: t, commercial_use: true, condition: c, reason: r, "
            + ok
            + "}\n",
        "teachers[0].condition_met");
    cases.put(
        "version: '1'\nteachers:\n  - {match: {}, tag: Bad Tag, commercial_use: true, reason: r, "
            + ok
            + "}\n",
        "teachers[0].tag");
    cases.put("teachers: []\n", "version");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Files.writeString(f, c.getKey());
      ConfigException e =
          assertThrows(ConfigException.class, () -> LicensePolicy.load(f), c.getKey());
      assertEquals(c.getValue(), e.key(), c.getKey() + " -> " + e.getMessage());
      assertTrue(
          e.getMessage().contains(f.toString()) || e.getMessage().contains("p.yaml"),
          e.getMessage());
    }
  }
}
