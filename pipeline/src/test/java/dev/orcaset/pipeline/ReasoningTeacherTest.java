package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orcaset.TestRuns;
import dev.orcaset.config.TeacherConfig;
import dev.orcaset.model.ChatCompletion;
import dev.orcaset.model.ChatRequest;
import dev.orcaset.model.FlanRecord;
import dev.orcaset.model.Origin;
import dev.orcaset.model.ReasoningSplit;
import dev.orcaset.prompts.SystemPrompt;
import dev.orcaset.teacher.sim.SimulatedAnswers;
import dev.orcaset.teacher.sim.SimulatedTeacher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenAI's reasoning models refuse a chat model's sampling parameters with a 400; before, every
 * request of a run naming one failed and tripped the circuit breaker. The simulated teacher refuses
 * them as those models do.
 */
class ReasoningTeacherTest {
  private static final int INPUTS = 12;

  @Test
  void reasoningModelsAreKnownByName() {
    for (String m :
        List.of("o1", "o3-mini", "o4-mini-2025-04-16", "gpt-5", "gpt-5-mini", "openai/o3")) {
      assertTrue(ChatRequest.isReasoningModel(m), m);
    }
    for (String m : List.of("gpt-4o", "gpt-4o-mini", "gpt-5-chat-latest", "o", "olmo-7b", "m")) {
      assertFalse(ChatRequest.isReasoningModel(m), m);
    }
  }

  @Test
  void aReasoningModelsRequest_hasNoSamplingParameters_andItsOwnTokenBound() {
    TeacherConfig t =
        TeacherConfig.defaults().toBuilder()
            .model("o4-mini")
            .topP(0.9)
            .seed(7L)
            .reasoningEffort("low")
            .build();
    FlanRecord r = new FlanRecord("q", "t", "T0", "task", "zs_opt", 0, new Origin("f", 1));
    JsonNode body =
        PairSystemPrompt.request(t, r, new SystemPrompt(1, "p1.md", "Think.", java.util.Map.of()))
            .toJson();
    assertNull(body.get("temperature"));
    assertNull(body.get("top_p"));
    assertNull(body.get("max_tokens"));
    assertEquals(1024, body.get("max_completion_tokens").asInt());
    assertEquals("low", body.get("reasoning_effort").asText());
    assertEquals(7, body.get("seed").asInt());

    JsonNode chat =
        PairSystemPrompt.request(
                t.toBuilder().model("gpt-4o").reasoningEffort(null).build(),
                r,
                new SystemPrompt(1, "p1.md", "Think.", java.util.Map.of()))
            .toJson();
    assertEquals(0.7, chat.get("temperature").asDouble());
    assertEquals(1024, chat.get("max_tokens").asInt());
    assertNull(chat.get("max_completion_tokens"));
  }

  @Test
  void aRunOnAnOSeriesModel_isAnswered_andForcedToChatParameters_everyRowIsRefused(
      @TempDir Path dir) throws Exception {
    writeQuestions(dir, INPUTS);
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 0, 0)) {
      Path ok = dir.resolve("ok");
      assertEquals(0, run(dir, ok, sim, "o3-mini", "reasoning_effort: medium"));
      List<GenericRecord> okRows = DatasetReader.rows(ok.resolve("out/data"));
      assertEquals(INPUTS, okRows.size());
      long reasoningTokens = okRows.stream().mapToLong(r -> (Long) r.get("reasoning_tokens")).sum();
      assertTrue(reasoningTokens > 0);
      assertEquals(
          reasoningTokens,
          DatasetReader.manifest(ok.resolve("out")).at("/teacher_usage/reasoning_tokens").asLong(),
          "usage counts the reasoning tokens paid for");
      assertEquals(INPUTS, sim.answeredByHash().size(), "each question answered once");
      JsonNode teacher = DatasetReader.manifest(ok.resolve("out")).at("/config/teacher");
      assertTrue(teacher.get("reasoning_model").asBoolean(), teacher.toString());
      String card = Files.readString(ok.resolve("out/README.md"));
      assertTrue(card.contains("max_completion_tokens"), "the card says what was sent");
      assertFalse(card.contains("| temperature |"), "and not what was not");

      Path forced = dir.resolve("forced");
      run(dir, forced, sim, "o3-mini", "reasoning: false");
      List<JsonNode> failed = DatasetReader.jsonLines(forced.resolve("out/failed"));
      assertEquals(INPUTS, failed.size());
      for (JsonNode f : failed) {
        assertEquals(400, f.get("http_status").asInt(), f.toString());
        assertEquals("unsupported_parameter", f.get("provider_code").asText(), f.toString());
        assertTrue(f.get("message").asText().contains("max_completion_tokens"), f.toString());
      }
    }
  }

  @Test
  void thinkTags_areSplitFromTheAnswer_whereverTheTemplateOpenedThem() {
    assertEquals(
        new ReasoningSplit("plan it", "Answer: 4."),
        ReasoningSplit.of(answer("<think>\nplan it\n</think>\n\nAnswer: 4.", null)));
    assertEquals(
        new ReasoningSplit("plan it", "Answer: 4."),
        ReasoningSplit.of(answer("plan it\n</think>\nAnswer: 4.", null)),
        "the chat template opened the tag in the prompt");
    assertEquals(
        new ReasoningSplit("still thinking", ""),
        ReasoningSplit.of(answer("<think>still thinking", null)),
        "cut off while thinking: no answer, so the empty-response gate drops it");
    assertEquals(
        new ReasoningSplit("from the field", "<think>kept</think> as sent"),
        ReasoningSplit.of(answer("<think>kept</think> as sent", "from the field")),
        "a server that split it already: the content is the answer as received");
    String plain = "Use <think> tags? No: the answer is 4.";
    assertEquals(new ReasoningSplit(null, plain), ReasoningSplit.of(answer(plain, null)));
  }

  private static ChatCompletion answer(String content, String reasoning) {
    return new ChatCompletion(content, "stop", 1, 1, "m", 1, reasoning, 0);
  }

  @Test
  void eachReasoningShape_givesTheAnswerAsResponse_andTheReasoningInItsColumn(@TempDir Path dir)
      throws Exception {
    writeQuestions(dir, 4);
    try (SimulatedTeacher sim = SimulatedTeacher.start(0, 0, 0)) {
      for (String model : List.of("deepseek-r1", "qwen3-thinking", "o4-mini", "gpt-4o")) {
        Path out = dir.resolve(model);
        assertEquals(0, run(dir, out, sim, model, ""), model);
        List<GenericRecord> rows = DatasetReader.rows(out.resolve("out/data"));
        assertEquals(4, rows.size(), model);
        for (GenericRecord g : rows) {
          String question = g.get("question").toString();
          assertEquals(
              SimulatedAnswers.answer(g.get("system_prompt").toString(), question),
              g.get("response").toString(),
              model);
          Object reasoning = g.get("reasoning");
          long reasoningTokens = (Long) g.get("reasoning_tokens");
          switch (model) {
            case "deepseek-r1" -> {
              assertEquals(SimulatedAnswers.reasoning(question), String.valueOf(reasoning));
              assertEquals(
                  SimulatedAnswers.tokens(SimulatedAnswers.reasoning(question)), reasoningTokens);
            }
            case "qwen3-thinking" -> {
              assertEquals(SimulatedAnswers.reasoning(question), String.valueOf(reasoning));
              assertEquals(0, reasoningTokens, "not reported by such servers");
            }
            case "o4-mini" -> {
              assertNull(reasoning, "hidden by the provider");
              assertTrue(reasoningTokens > 0);
            }
            default -> {
              assertNull(reasoning);
              assertEquals(0, reasoningTokens);
            }
          }
        }
        // A re-run takes every answer from the snapshot just written: the same rows, to the byte.
        long asked = sim.requestCount();
        CliRun again =
            CliRun.run(
                dir.resolve(model).resolve("run.yaml"),
                sim.baseUrl(),
                out.resolve("out"),
                "--runner=DirectRunner");
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.err().contains("4 answers taken from the previous snapshot"), again.err());
        assertEquals(asked, sim.requestCount(), model);
        assertEquals(
            rows.stream().map(GenericRecord::toString).sorted().toList(),
            DatasetReader.rows(out.resolve("out/data")).stream()
                .map(GenericRecord::toString)
                .sorted()
                .toList(),
            model);
      }
    }
  }

  private static void writeQuestions(Path dir, int n) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add("{\"inputs\": \"Question " + i + ": why?\", \"task_source\": \"T0\"}");
    }
    Files.write(dir.resolve("in.jsonl"), lines);
  }

  /** A run of the inputs in {@code inputs} on {@code model}, in its own folder {@code dir}. */
  private static int run(
      Path inputs, Path dir, SimulatedTeacher sim, String model, String teacherFields)
      throws Exception {
    Files.createDirectories(dir);
    Files.copy(inputs.resolve("in.jsonl"), dir.resolve("in.jsonl"));
    Path cfg = TestRuns.config(dir, model, teacherFields);
    return CliRun.run(cfg, sim.baseUrl(), dir.resolve("out"), "--runner=DirectRunner").exit();
  }
}
