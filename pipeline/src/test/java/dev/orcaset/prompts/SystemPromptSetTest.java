package dev.orcaset.prompts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.TestRuns;
import dev.orcaset.config.ConfigException;
import dev.orcaset.model.QuestionType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemPromptSetTest {
  private static final Path BUNDLED = TestRuns.HOME.resolve("system-prompts");

  @Test
  void theBundledSetHas16PromptsTheFirstEmpty_andServesEveryOrcaSubmix() {
    SystemPromptSet set = SystemPromptSet.load(BUNDLED);
    assertEquals(16, set.prompts().size());
    assertEquals("", set.prompts().get(0).text());
    assertEquals(
        15,
        set.prompts().stream()
            .filter(p -> !p.text().isEmpty())
            .map(SystemPrompt::text)
            .distinct()
            .count());
    assertEquals(
        List.of(),
        set.submixesWithoutPrompt(List.of("CoT", "NIv2", "T0", "Flan2021", "Dialog", "Unknown")));
  }

  @Test
  void choiceIsAFunctionOfRecordIdAndSeed() {
    SystemPromptSet set = SystemPromptSet.load(BUNDLED);
    for (int i = 0; i < 200; i++) {
      String id = "niv2.record" + i;
      assertEquals(
          set.choose(id, "NIv2", 42).orElseThrow().id(),
          set.choose(id, "NIv2", 42).orElseThrow().id());
    }
    List<Integer> seed42 = ids(set, 42);
    assertEquals(seed42, ids(set, 42));
    assertNotEquals(seed42, ids(set, 43), "another seed pairs differently");
  }

  @Test
  void onlyPromptsWeightedForTheSubmixAreDrawn_inProportionToTheirWeights() {
    SystemPromptSet set = SystemPromptSet.load(BUNDLED);
    Set<Integer> allowedForCot =
        set.prompts().stream()
            .filter(p -> p.weightFor("CoT") > 0)
            .map(SystemPrompt::id)
            .collect(Collectors.toSet());
    Map<Integer, Integer> drawn = new HashMap<>();
    for (int i = 0; i < 5_000; i++) {
      drawn.merge(set.choose("cot." + i, "CoT", 1).orElseThrow().id(), 1, Integer::sum);
    }
    assertEquals(allowedForCot, drawn.keySet(), "every allowed prompt drawn, no other");
    double expected = 5_000.0 / allowedForCot.size();
    drawn
        .values()
        .forEach(
            n -> assertTrue(Math.abs(n - expected) < expected * 0.15, "uniform weights: " + drawn));
  }

  @Test
  void aSubmixNoPromptMayServe_getsNoPrompt(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("a.txt"), "Think step by step.\n");
    Files.writeString(
        dir.resolve("index.yaml"),
        "version: t\nprompts:\n  - {id: 1, file: a.txt, weights: {CoT: 2}}\n");
    SystemPromptSet set = SystemPromptSet.load(dir);
    assertEquals("Think step by step.", set.choose("x", "CoT", 1).orElseThrow().text());
    assertTrue(set.choose("x", "T0", 1).isEmpty());
    assertEquals(List.of("T0"), set.submixesWithoutPrompt(List.of("CoT", "T0")));
  }

  @Test
  void indexErrorsNameTheEntry(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("index.yaml"), "prompts:\n  - {id: 1, file: missing.txt, weights: {CoT: 1}}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> SystemPromptSet.load(dir));
    assertEquals("prompts[0].file", e.key());
    Files.writeString(
        dir.resolve("index.yaml"), "prompts:\n  - {id: 1, file: a.txt, weights: {Cot2: 1}}\n");
    e = assertThrows(ConfigException.class, () -> SystemPromptSet.load(dir));
    assertEquals("prompts[0].weights.Cot2", e.key());
  }

  @Test
  void choicePromptsGoOnlyToMultipleChoiceQuestions_andOtherRecordsKeepTheirPrompt() {
    SystemPromptSet set = SystemPromptSet.load(BUNDLED);
    Set<Integer> choicePrompts =
        set.prompts().stream()
            .filter(p -> p.when() == SystemPrompt.When.MULTIPLE_CHOICE)
            .map(SystemPrompt::id)
            .collect(Collectors.toSet());
    assertEquals(Set.of(6, 13), choicePrompts);
    Map<Integer, Integer> open = new HashMap<>();
    Map<Integer, Integer> choice = new HashMap<>();
    int moved = 0;
    for (int i = 0; i < 4_000; i++) {
      String id = "flan." + i;
      int before = set.choose(id, "Flan2021", 7).orElseThrow().id();
      int o = set.choose(id, "Flan2021", 7, QuestionType.OPEN).orElseThrow().id();
      int c = set.choose(id, "Flan2021", 7, QuestionType.MULTIPLE_CHOICE).orElseThrow().id();
      open.merge(o, 1, Integer::sum);
      choice.merge(c, 1, Integer::sum);
      assertEquals(before, c, "every prompt suits a multiple-choice question");
      if (o != before) {
        assertTrue(choicePrompts.contains(before), "only a choice prompt is drawn again: " + id);
        moved++;
      }
    }
    assertTrue(open.keySet().stream().noneMatch(choicePrompts::contains), open.toString());
    assertTrue(choice.get(6) > 300 && choice.get(13) > 300, choice.toString());
    // Flan2021 may draw 8 prompts, 2 of them choice prompts: about a quarter of open questions
    // move.
    assertTrue(moved > 800 && moved < 1_200, "moved " + moved);
  }

  @Test
  void aWhenThatIsNoTypeIsAnErrorNamingTheEntry(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("a.txt"), "Pick one.\n");
    Files.writeString(
        dir.resolve("index.yaml"),
        "prompts:\n  - {id: 1, file: a.txt, weights: {CoT: 1}, when: choices}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> SystemPromptSet.load(dir));
    assertEquals("prompts[0].when", e.key());
    assertTrue(e.getMessage().contains("any, multiple_choice, open"), e.getMessage());
  }

  private static List<Integer> ids(SystemPromptSet set, long seed) {
    return IntStream.range(0, 50)
        .mapToObj(i -> set.choose("t0." + i, "T0", seed).orElseThrow().id())
        .toList();
  }
}
