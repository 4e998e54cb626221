package dev.orcaset.license;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import dev.orcaset.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LicensePolicyTest {
  private static final LicensePolicy BUNDLED = LicensePolicy.load(
      TestRuns.HOME.resolve("config/licenses.yaml"));

  @Test
  void hostedTeachersAreNotClearedForCommercialTraining_withTheTermsCited() {
    for (String[] t : new String[][] {{"openai", "gpt-4o"}, {"azure-openai", "my-deployment"},
        {"openai-compatible", "gpt-4o-mini"}, {"anthropic", "claude-3-5-sonnet"}, {"google", "gemini-1.5-pro"}}) {
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
    LicenseRule permissiveTeacher = new LicenseRule(Map.of("model", "mistral-7b*"), "apache-2.0", true,
        "Apache-2.0 weights", "model card", "2026-11-23");
    LicenseRule ncSource = new LicenseRule(Map.of("task_name", "task_nc_*"), "cc-by-nc-4.0", false,
        "non-commercial dataset", "dataset card", "2026-11-23");
    LicenseRule okSource = new LicenseRule(Map.of(), "cc-by-4.0", true, "CC BY", null, null);
    LicensePolicy p = new LicensePolicy("t", List.of(permissiveTeacher), List.of(ncSource, okSource));

    LicenseTag restricted = p.tag("vllm", "mistral-7b-instruct", "NIv2", "task_nc_17");
    assertEquals("cc-by-nc-4.0", restricted.tag(), "the source restricts, so its tag shows");
    assertFalse(restricted.commercialUse());
    assertEquals(2, restricted.reasons().size());
    assertTrue(restricted.reasons().get(1).contains("non-commercial dataset [dataset card, as of 2026-11-23]"));

    LicenseTag cleared = p.tag("vllm", "Mistral-7B-Instruct", "NIv2", "task_ok");
    assertTrue(cleared.commercialUse(), "matching is case-insensitive");
    assertEquals("apache-2.0", cleared.tag());
  }

  @Test
  void policyErrorsNameTheKey(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("p.yaml");
    Files.writeString(f, "teachers:\n  - {match: {vendor: x}, tag: t, commercial_use: false, reason: r}\n");
    assertEquals("teachers[0].match.vendor", assertThrows(ConfigException.class, () -> LicensePolicy.load(f)).key());
    Files.writeString(f, "teachers:\n  - {match: {model: x}, tag: t, reason: r}\n");
    assertEquals("teachers[0].commercial_use", assertThrows(ConfigException.class, () -> LicensePolicy.load(f)).key());
    Files.writeString(f, "teachers:\n  - {match: {model: x}, tag: t, commercial_use: true, reason: r, licence: y}\n");
    assertEquals("teachers[0].licence", assertThrows(ConfigException.class, () -> LicensePolicy.load(f)).key());
  }
}
