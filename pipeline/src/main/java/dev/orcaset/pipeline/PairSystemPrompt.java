package dev.orcaset.pipeline;

import dev.orcaset.config.TeacherConfig;
import dev.orcaset.cost.TokenEstimate;
import dev.orcaset.flan.QuestionTypes;
import dev.orcaset.model.ChatRequest;
import dev.orcaset.model.DropReason;
import dev.orcaset.model.DroppedRecord;
import dev.orcaset.model.FlanRecord;
import dev.orcaset.model.Question;
import dev.orcaset.prompts.SystemPrompt;
import dev.orcaset.prompts.SystemPromptSet;
import java.util.Optional;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Pairs each record with a system prompt drawn, by weight, from those its submix may use, and turns
 * the pair into the exact request the teacher will get (system prompt, FLAN inputs verbatim, the
 * sampling parameters from config) with its hash. The draw is a function of (record id, seed):
 * re-runs pair identically.
 *
 * <p>Output: {@link Outcomes#QUESTIONS}; {@link Outcomes#DROPPED} with reason {@link
 * DropReason#NO_SYSTEM_PROMPT} for a submix that no prompt in the index may serve, and {@link
 * DropReason#TOO_LONG} for a question longer than `teacher.max_input_tokens` (estimated): such an
 * input is nearly always a broken record, and it would be paid for in full.
 */
public final class PairSystemPrompt extends PTransform<PCollection<FlanRecord>, PCollectionTuple> {
  private final SystemPromptSet prompts;
  private final long seed;
  private final TeacherConfig teacher;
  private final long maxInputTokens;

  public PairSystemPrompt(SystemPromptSet prompts, long seed, TeacherConfig teacher) {
    this(prompts, seed, teacher, teacher.maxInputTokens());
  }

  /** {@code maxInputTokens}: the length bound, when it is not this teacher's own (later tiers). */
  public PairSystemPrompt(
      SystemPromptSet prompts, long seed, TeacherConfig teacher, long maxInputTokens) {
    this.prompts = prompts;
    this.seed = seed;
    this.teacher = teacher;
    this.maxInputTokens = maxInputTokens;
  }

  @Override
  public PCollectionTuple expand(PCollection<FlanRecord> records) {
    PCollectionTuple out =
        records.apply(
            "ChoosePrompt",
            ParDo.of(new PairFn(prompts, seed, teacher, maxInputTokens))
                .withOutputTags(Outcomes.QUESTIONS, TupleTagList.of(Outcomes.DROPPED)));
    return Outcomes.withCoders(out);
  }

  /** The request a record and its prompt make: system prompt (may be empty), inputs verbatim. */
  static ChatRequest request(TeacherConfig t, FlanRecord r, SystemPrompt prompt) {
    return request(t, prompt.text(), r.inputs());
  }

  /** A request to {@code t} with its sampling parameters: the judge's are built this way too. */
  static ChatRequest request(TeacherConfig t, String systemPrompt, String userMessage) {
    return new ChatRequest(
        t.model(),
        systemPrompt,
        userMessage,
        t.temperature(),
        t.topP(),
        t.maxTokens(),
        t.seed(),
        t.stream(),
        t.isReasoningModel(),
        t.reasoningEffort());
  }

  static final class PairFn extends DoFn<FlanRecord, Question> {
    private final SystemPromptSet prompts;
    private final long seed;
    private final TeacherConfig teacher;
    private final long maxInputTokens;

    PairFn(SystemPromptSet prompts, long seed, TeacherConfig teacher, long maxInputTokens) {
      this.prompts = prompts;
      this.seed = seed;
      this.teacher = teacher;
      this.maxInputTokens = maxInputTokens;
    }

    @ProcessElement
    public void process(@Element FlanRecord r, MultiOutputReceiver out) {
      String submix = r.submix().configName();
      Optional<SystemPrompt> prompt =
          prompts.choose(r.id(), submix, seed, QuestionTypes.of(r.inputs()));
      if (prompt.isEmpty()) {
        out.get(Outcomes.DROPPED)
            .output(
                DroppedRecord.of(
                    r,
                    DropReason.NO_SYSTEM_PROMPT,
                    "no prompt in the index has a weight for "
                        + submix
                        + " and none for 'default'"));
        return;
      }
      long tokens = TokenEstimate.fromChars(prompt.get().text().length() + r.inputs().length());
      if (tokens > maxInputTokens) {
        out.get(Outcomes.DROPPED)
            .output(
                DroppedRecord.of(
                    r,
                    DropReason.TOO_LONG,
                    "about "
                        + tokens
                        + " prompt tokens, over teacher.max_input_tokens = "
                        + maxInputTokens));
        return;
      }
      ChatRequest request = request(teacher, r, prompt.get());
      out.get(Outcomes.QUESTIONS).output(Question.of(r, prompt.get().id(), request));
    }
  }
}
