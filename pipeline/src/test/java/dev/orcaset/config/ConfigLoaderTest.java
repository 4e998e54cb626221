package dev.orcaset.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path write(String yaml) throws IOException {
    Path f = dir.resolve("run.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private static final String VALID =
      """
      input:
        paths: [in/*.jsonl, "gs://bucket/flan/*.gz"]
      output: {dir: out}
      sampling:
        seed: 7
        submixes:
          NIv2: {max_rows: 10, template_types: [zs_opt]}
      prompts: {dir: prompts}
      teacher:
        provider: vllm
        base_url: http://localhost:8000/v1
        model: m
        concurrency: 8
      license: {policy: licenses.yaml}
      """;

  @Test
  void loadsAValidConfig_resolvingRelativePathsAgainstTheFilesFolder() throws IOException {
    OrcasetConfig c = ConfigValidator.validate(ConfigLoader.load(write(VALID)));
    assertEquals(dir.resolve("in/*.jsonl").toString(), c.input().paths().get(0));
    assertEquals("gs://bucket/flan/*.gz", c.input().paths().get(1), "URLs are left alone");
    assertEquals(dir.resolve("out").toString(), c.output().dir());
    assertEquals("zstd", c.output().compression());
    assertEquals(7L, c.sampling().seed());
    assertEquals(10L, c.sampling().submixes().get("NIv2").maxRows());
    assertEquals(8, c.teacher().concurrency());
    assertEquals("OPENAI_API_KEY", c.teacher().apiKeyEnv(), "default env var name");
    assertEquals(600, c.teacher().readTimeoutSeconds(), "LLM-sized read timeout by default");
  }

  @Test
  void anUnknownKey_isNamedWithItsPathAndLine() throws IOException {
    Path f = write(VALID.replace("concurrency: 8", "concurrencyy: 8"));
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertEquals("teacher.concurrencyy", e.key());
    assertTrue(e.getMessage().contains("line 13"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown key"), e.getMessage());
    assertTrue(e.getMessage().contains("concurrency"), "lists the known keys: " + e.getMessage());
  }

  @Test
  void aWrongType_isNamedWithItsPath() throws IOException {
    Path f = write(VALID.replace("max_rows: 10", "max_rows: lots"));
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertEquals("sampling.submixes.NIv2.max_rows", e.key());
  }

  @Test
  void validationNamesEveryBadKey() throws IOException {
    Path f =
        write(
            VALID
                .replace("concurrency: 8", "concurrency: 0")
                .replace("base_url: http://localhost:8000/v1", "base_url: localhost")
                .replace("NIv2:", "NIV3:"));
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigValidator.validate(ConfigLoader.load(f)));
    assertTrue(e.getMessage().contains("teacher.concurrency"), e.getMessage());
    assertTrue(e.getMessage().contains("teacher.base_url"), e.getMessage());
    assertTrue(e.getMessage().contains("sampling.submixes.NIV3"), e.getMessage());
  }

  @Test
  void aReasoningEffort_isOneOfTheProvidersLevels_andOnlyForAReasoningModel() throws IOException {
    Path unknown = write(VALID.replace("model: m", "model: o3-mini\n  reasoning_effort: extreme"));
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> ConfigValidator.validate(ConfigLoader.load(unknown)));
    assertTrue(
        e.getMessage().contains("teacher.reasoning_effort")
            && e.getMessage().contains("[minimal, low, medium, high]"),
        e.getMessage());
    Path chat = write(VALID.replace("model: m", "model: gpt-4o\n  reasoning_effort: low"));
    e =
        assertThrows(
            ConfigException.class, () -> ConfigValidator.validate(ConfigLoader.load(chat)));
    assertTrue(e.getMessage().contains("gpt-4o is not one by its name"), e.getMessage());
    Path told =
        write(
            VALID.replace(
                "model: m", "model: my-r1-distill\n  reasoning: true\n  reasoning_effort: low"));
    assertTrue(ConfigValidator.validate(ConfigLoader.load(told)).teacher().isReasoningModel());
    Path claude =
        write(
            VALID.replace(
                "provider: vllm\n  base_url: http://localhost:8000/v1\n  model: m",
                "provider: anthropic\n  model: claude-sonnet-4-5\n  reasoning: true\n"
                    + "  max_tokens: 1024"));
    e =
        assertThrows(
            ConfigException.class, () -> ConfigValidator.validate(ConfigLoader.load(claude)));
    assertTrue(e.getMessage().contains("teacher.max_tokens"), e.getMessage());
    assertTrue(e.getMessage().contains("extended thinking"), e.getMessage());
  }

  @Test
  void balanceIsByRecordUnlessSaid_andAMistakeNamesTheKey() throws IOException {
    OrcasetConfig byRecord = ConfigValidator.validate(ConfigLoader.load(write(VALID)));
    assertEquals(SamplingConfig.Balance.RECORD, byRecord.sampling().balanceOf("NIv2"));
    OrcasetConfig byTask =
        ConfigValidator.validate(
            ConfigLoader.load(
                write(
                    VALID.replace(
                        "NIv2: {max_rows: 10, template_types: [zs_opt]}",
                        "NIv2: {max_rows: 10, template_types: [zs_opt]}\n    T0: {max_rows: 5,"
                            + " balance: record}\n  balance: task"))));
    assertEquals(SamplingConfig.Balance.TASK, byTask.sampling().balanceOf("NIv2"));
    assertEquals(SamplingConfig.Balance.RECORD, byTask.sampling().balanceOf("T0"));
    Path bad =
        write(
            VALID.replace(
                "NIv2: {max_rows: 10, template_types: [zs_opt]}",
                "NIv2: {max_rows: 10, balance: tasks}"));
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigValidator.validate(ConfigLoader.load(bad)));
    assertTrue(e.getMessage().contains("sampling.submixes.NIv2.balance"), e.getMessage());
  }

  @Test
  void qualityRulesAreNamedConfigKeys_andTheirMistakesNameTheKey() throws IOException {
    OrcasetConfig c =
        ConfigValidator.validate(
            ConfigLoader.load(
                write(
                    VALID
                        + "quality: {too_short: {min_tokens: 12}, refusal: {phrases: [nope]},"
                        + " near_duplicate_input: {enabled: true}}\n")));
    assertEquals(12, c.quality().tooShort().minTokens());
    assertEquals(List.of("nope"), c.quality().refusal().phrases());
    assertTrue(c.quality().nearDuplicateInput().enabled());
    assertTrue(c.quality().finishReason().enabled(), "rules not mentioned keep their defaults");

    ConfigException unknownRule =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(write(VALID + "quality: {refusals: {enabled: false}}\n")));
    assertEquals("quality.refusals", unknownRule.key());
    ConfigException wrongParam =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(write(VALID + "quality: {too_short: {max_words: 3}}\n")));
    assertEquals("quality.too_short.max_words", wrongParam.key());
    ConfigException bad =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigValidator.validate(
                    ConfigLoader.load(
                        write(
                            VALID
                                + "quality: {empty_response: {enabled: false},"
                                + " near_duplicate_input: {threshold: 1.5}, finish_reason:"
                                + " {allowed: []}}\n"))));
    for (String key :
        List.of(
            "quality.empty_response.enabled",
            "quality.near_duplicate_input.threshold",
            "quality.finish_reason.allowed")) {
      assertTrue(bad.getMessage().contains(key), bad.getMessage());
    }
  }

  @Test
  void aJudgeIsOffUntilNamed_getsItsDefaults_andItsMistakesNameTheKey() throws IOException {
    OrcasetConfig none = ConfigValidator.validate(ConfigLoader.load(write(VALID)));
    assertFalse(none.judge().enabled());

    OrcasetConfig judged =
        ConfigValidator.validate(
            ConfigLoader.load(
                write(
                    VALID
                        + "quality:\n  judge:\n    teacher: {provider: openai, base_url:"
                        + " https://api.openai.com/v1, model: gpt-4o, temperature: 0}\n")));
    JudgeConfig j = judged.judge();
    assertTrue(j.enabled(), "naming a judge turns it on");
    assertEquals("unchecked", j.rows());
    assertEquals(6, j.minScore());
    assertEquals(dir.resolve("prompts/judge-rubric.txt").toString(), j.rubric());
    assertEquals(dir.resolve("out/.journal/judge").toString(), j.journalDir());
    assertTrue(!j.judges(true) && j.judges(false), "by default only unchecked rows");

    OrcasetConfig custom =
        ConfigValidator.validate(
            ConfigLoader.load(
                write(
                    VALID
                        + "quality:\n  judge:\n    rubric: my-rubric.txt\n    rows: all\n"
                        + "    journal_dir: grades\n"
                        + "    teacher: {provider: vllm, base_url: http://localhost:8001/v1,"
                        + " model: judge}\n")));
    assertEquals(dir.resolve("my-rubric.txt").toString(), custom.judge().rubric());
    assertEquals(dir.resolve("grades").toString(), custom.judge().journalDir());
    assertTrue(custom.judge().judges(true));

    Path noTeacher = write(VALID + "quality:\n  judge: {enabled: true}\n");
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> ConfigValidator.validate(ConfigLoader.load(noTeacher)));
    assertEquals("quality.judge.teacher", e.key(), e.getMessage());

    Path bad =
        write(
            VALID
                + "quality:\n  judge:\n    rows: some\n    min_score: 11\n"
                + "    teacher: {provider: vllm, base_url: localhost, model: judge}\n");
    ConfigException all =
        assertThrows(ConfigException.class, () -> ConfigValidator.validate(ConfigLoader.load(bad)));
    for (String key :
        List.of(
            "quality.judge.rows", "quality.judge.min_score", "quality.judge.teacher.base_url")) {
      assertTrue(all.getMessage().contains(key), all.getMessage());
    }
  }

  @Test
  void theApiKeyItselfCannotBePutInTheFile() throws IOException {
    Path f = write(VALID.replace("concurrency: 8", "api_key_env: sk-abc123-def"));
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigValidator.validate(ConfigLoader.load(f)));
    assertEquals("teacher.api_key_env", e.key());
    assertTrue(e.getMessage().contains("NAME of an environment variable"), e.getMessage());
  }

  @Test
  void theBundledConfigsAreValid() {
    Path home = dev.orcaset.TestRuns.HOME;
    for (String name :
        new String[] {
          "local.yaml", "openai.yaml", "vllm.yaml", "dataflow.yaml", "anthropic.yaml", "orca.yaml"
        }) {
      OrcasetConfig c =
          ConfigValidator.validate(ConfigLoader.load(home.resolve("config").resolve(name)));
      assertTrue(c.teacher().model() != null, name);
    }
  }

  @Test
  void theOrcaPresetHasThePapersQuotas_zeroShotOnly_dialogOff_andTheEvaluationExclusions() {
    OrcasetConfig c =
        ConfigValidator.validate(
            ConfigLoader.load(dev.orcaset.TestRuns.HOME.resolve("config/orca.yaml")));
    SamplingConfig s = c.sampling();
    assertEquals(150_000L, s.submix("CoT").maxRows());
    assertEquals(440_000L, s.submix("NIv2").maxRows());
    assertEquals(2_000_000L, s.submix("T0").maxRows());
    assertEquals(2_500_000L, s.submix("Flan2021").maxRows());
    assertEquals(0L, s.submix("Dialog").maxRows());
    for (String sub : List.of("CoT", "NIv2", "T0", "Flan2021")) {
      assertEquals(List.of("zs_opt", "zs_noopt"), s.submix(sub).templateTypes(), sub);
    }
    assertEquals(SamplingConfig.Balance.TASK, s.balanceOf("T0"));
    assertEquals(SamplingConfig.Balance.RECORD, s.balanceOf("CoT"));
    assertEquals(13, s.excludeTasks().size(), "the evaluation-set list is read in");
    // FLAN-1M: GPT-4 on 1M of the 5M questions, in the 5M set's proportions.
    assertEquals(1, c.tiers().size());
    assertEquals("gpt-4", c.tiers().get(0).teacher().model());
    assertEquals(
        1_000_000L, c.tiers().get(0).quotas().values().stream().mapToLong(Long::longValue).sum());
    assertEquals(0L, c.tiers().get(0).quota("Dialog") == null ? 0L : 1L, "no Dialog in tier 2");
  }

  @Test
  void aLaterTierNamesItsOwnTeacher_andAtMostTheTierBeforeIt() throws IOException {
    String tier2 =
        "tiers:\n  - teacher: {provider: vllm, base_url: http://localhost:8001/v1, model: big}\n"
            + "    quotas: {NIv2: 4}\n";
    OrcasetConfig ok = ConfigValidator.validate(ConfigLoader.load(write(VALID + tier2)));
    assertEquals(
        dir.resolve("out/.journal/tier-2").toString(), ok.laterTiers().get(0).journalDir());
    assertEquals("big", ok.teacherOfTier(2).model());
    assertEquals("m", ok.teacherOfTier(1).model());
    // Tier 2 picks from tier 1's sample with its own quota, the same seed and balance.
    SamplingConfig pick = ok.tiers().get(0).sampling(ok.sampling());
    assertEquals(4L, pick.submix("NIv2").maxRows());
    assertEquals(7L, pick.seed());
    assertEquals(null, pick.submix("T0"), "a submix the tier does not name gets none");

    Path bad =
        write(
            VALID
                + "tiers:\n  - teacher: {provider: vllm, base_url: http://localhost:8001/v1,"
                + " model: m}\n    quotas: {NIv2: 11, T0: 3, Chat: 1}\n"
                + "  - quotas: {NIv2: 1}\n");
    ConfigException all =
        assertThrows(ConfigException.class, () -> ConfigValidator.validate(ConfigLoader.load(bad)));
    for (String said :
        List.of(
            "tiers[0].teacher.model: is tier 1's teacher too",
            "tiers[0].quotas.NIv2: 11 is more than tier 1's 10 for NIv2",
            "tiers[0].quotas.T0: 3 is more than tier 1's 0 for T0",
            "tiers[0].quotas.Chat: unknown submix",
            "tiers[1].teacher: is required")) {
      assertTrue(all.getMessage().contains(said), said + " in " + all.getMessage());
    }
  }
}
