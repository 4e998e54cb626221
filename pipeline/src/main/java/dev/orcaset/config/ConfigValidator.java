package dev.orcaset.config;

import dev.orcaset.model.ChatRequest;
import dev.orcaset.model.Submix;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cross-field checks run once before the pipeline is built, so a typo fails in the first second and
 * not after an hour of paid requests. Every message names the config key.
 */
public final class ConfigValidator {
  private static final Set<String> COMPRESSIONS = Set.of("zstd", "snappy", "gzip", "none");
  private static final Set<String> TEMPLATE_TYPES =
      Set.of("zs_opt", "zs_noopt", "fs_opt", "fs_noopt");
  private static final List<String> REASONING_EFFORTS = List.of("minimal", "low", "medium", "high");
  private static final Set<String> AUTH_HEADERS = Set.of("bearer", "api-key", "x-api-key", "none");

  private ConfigValidator() {}

  /** Throws a {@link ConfigException} listing every problem found, one per line. */
  public static OrcasetConfig validate(OrcasetConfig c) {
    List<ConfigException> problems = new ArrayList<>();
    check(
        problems,
        !c.input().paths().isEmpty(),
        "input.paths",
        "give at least one file or glob of FLAN records (JSONL, JSONL.gz or Parquet)");
    for (int i = 0; i < c.input().paths().size(); i++) {
      String p = c.input().paths().get(i);
      check(problems, p != null && !p.isBlank(), "input.paths[" + i + "]", "is empty");
    }
    check(problems, notBlank(c.output().dir()), "output.dir", "is required");
    check(
        problems,
        COMPRESSIONS.contains(c.output().compression()),
        "output.compression",
        "must be one of " + COMPRESSIONS + ", got '" + c.output().compression() + "'");
    check(problems, notBlank(c.prompts().dir()), "prompts.dir", "is required");
    check(problems, notBlank(c.license().policy()), "license.policy", "is required");
    check(problems, c.limit() == null || c.limit() >= 1, "limit", "must be at least 1");
    check(
        problems,
        c.journal().commitEvery() >= 1,
        "journal.commit_every",
        "must be at least 1 answer");
    check(
        problems,
        c.journal().commitSeconds() >= 1,
        "journal.commit_seconds",
        "must be at least 1 second");
    validateQuality(c.quality(), problems);
    validateSampling(c.sampling(), problems);
    validateTeacher(c.teacher(), "teacher", problems);
    validateJudge(c.quality().judge(), problems);
    validateTiers(c, problems);
    if (!problems.isEmpty()) {
      if (problems.size() == 1) {
        throw problems.get(0);
      }
      StringBuilder sb = new StringBuilder(problems.size() + " problems in the config:");
      problems.forEach(p -> sb.append("\n  ").append(p.getMessage()));
      throw new ConfigException(null, sb.toString());
    }
    return c;
  }

  private static void validateQuality(QualityConfig q, List<ConfigException> problems) {
    check(
        problems,
        q.emptyResponse().enabled(),
        "quality.empty_response.enabled",
        "cannot be turned off: an empty answer is never a sample");
    check(
        problems,
        !q.finishReason().allowed().isEmpty(),
        "quality.finish_reason.allowed",
        "list at least one finish reason (e.g. [stop]), or set quality.finish_reason.enabled:"
            + " false");
    check(
        problems,
        q.refusal().phrases().stream().noneMatch(ph -> ph == null || ph.isBlank()),
        "quality.refusal.phrases",
        "has an empty phrase, which would match every answer");
    check(
        problems,
        q.noExplanation().maxWords() >= 1,
        "quality.no_explanation.max_words",
        "must be at least 1");
    check(
        problems,
        q.tooShort().minTokens() >= 1,
        "quality.too_short.min_tokens",
        "must be at least 1");
    double t = q.nearDuplicateInput().threshold();
    check(
        problems,
        t > 0 && t <= 1,
        "quality.near_duplicate_input.threshold",
        "must be a similarity above 0 and at most 1, got " + t);
  }

  private static void validateJudge(JudgeConfig j, List<ConfigException> problems) {
    if (!j.enabled()) {
      return;
    }
    if (j.teacher() == null) {
      problems.add(
          new ConfigException(
              "quality.judge.teacher",
              "is required to use the judge: a teacher block (provider, model, base_url…) naming"
                  + " the model that grades answers"));
      return;
    }
    validateTeacher(j.teacher(), "quality.judge.teacher", problems);
    check(
        problems,
        JudgeConfig.UNCHECKED.equals(j.rows()) || JudgeConfig.ALL.equals(j.rows()),
        "quality.judge.rows",
        "must be unchecked (rows the target check could not compare) or all, got '"
            + j.rows()
            + "'");
    check(
        problems,
        j.minScore() >= JudgeConfig.MIN_SCORE && j.minScore() <= JudgeConfig.MAX_SCORE,
        "quality.judge.min_score",
        "must be from "
            + JudgeConfig.MIN_SCORE
            + " to "
            + JudgeConfig.MAX_SCORE
            + " (the rubric's scale)");
  }

  /**
   * Each later tier names a teacher of its own and quotas no larger than the tier before it: its
   * questions are a subset of that tier's, so a larger quota would promise rows it cannot have.
   */
  private static void validateTiers(OrcasetConfig c, List<ConfigException> problems) {
    for (int i = 0; i < c.tiers().size(); i++) {
      String at = "tiers[" + i + "]";
      TierConfig tier = c.tiers().get(i);
      if (tier == null || tier.teacher() == null) {
        problems.add(
            new ConfigException(
                at + ".teacher",
                "is required: a teacher block (provider, model, base_url…) naming the model that"
                    + " answers tier "
                    + (i + 2)));
        continue;
      }
      validateTeacher(tier.teacher(), at + ".teacher", problems);
      for (int earlier = 1; earlier < i + 2; earlier++) {
        TeacherConfig e = c.teacherOfTier(earlier);
        check(
            problems,
            e == null
                || !(e.provider().equals(tier.teacher().provider())
                    && e.model().equals(tier.teacher().model())),
            at + ".teacher.model",
            "is tier "
                + earlier
                + "'s teacher too; a later tier asks the same questions of another model");
      }
      if (tier.quotas().isEmpty()) {
        problems.add(
            new ConfigException(
                at + ".quotas", "name at least one submix and its questions, e.g. {T0: 1000}"));
      }
      int tierIndex = i;
      tier.quotas()
          .forEach(
              (name, q) -> {
                String key = at + ".quotas." + name;
                if (Submix.fromConfigName(name) == null) {
                  problems.add(
                      new ConfigException(
                          key, "unknown submix; use one of CoT, NIv2, T0, Flan2021, Dialog"));
                  return;
                }
                if (q == null || q < 0) {
                  problems.add(new ConfigException(key, "must be 0 or more questions"));
                  return;
                }
                Long before = quotaOfTier(c, tierIndex + 1, name);
                check(
                    problems,
                    before == null || q <= before,
                    key,
                    q
                        + " is more than tier "
                        + (tierIndex + 1)
                        + "'s "
                        + before
                        + " for "
                        + name
                        + ": a later tier answers a subset of the tier before it");
              });
    }
  }

  /** Tier {@code n}'s quota for a submix: null for no cap, 0 for none of it. */
  private static Long quotaOfTier(OrcasetConfig c, int n, String submix) {
    if (n > 1) {
      TierConfig t = c.tiers().get(n - 2);
      Long q = t == null ? null : t.quota(submix);
      return q == null ? 0L : q;
    }
    if (!c.sampling().enabled()) {
      return null;
    }
    SubmixConfig sc = c.sampling().submix(submix);
    return sc == null ? 0L : sc.maxRows();
  }

  private static void validateSampling(SamplingConfig s, List<ConfigException> problems) {
    check(
        problems,
        SamplingConfig.Balance.parse(s.balance()) != null,
        "sampling.balance",
        "'" + s.balance() + "' is neither record nor task");
    checkTaskRules(s.includeTasks(), "sampling.include_tasks", problems);
    checkTaskRules(s.excludeTasks(), "sampling.exclude_tasks", problems);
    for (Map.Entry<String, SubmixConfig> e : s.submixes().entrySet()) {
      String key = "sampling.submixes." + e.getKey();
      check(
          problems,
          Submix.fromConfigName(e.getKey()) != null,
          key,
          "unknown submix; use one of CoT, NIv2, T0, Flan2021, Dialog, Unknown");
      SubmixConfig sc = e.getValue();
      if (sc == null) {
        problems.add(new ConfigException(key, "needs max_rows and/or template_types"));
        continue;
      }
      check(
          problems,
          sc.maxRows() == null || sc.maxRows() >= 0,
          key + ".max_rows",
          "must be 0 or more (0 skips the submix; leave it out for no cap)");
      check(
          problems,
          sc.balance() == null || SamplingConfig.Balance.parse(sc.balance()) != null,
          key + ".balance",
          "'" + sc.balance() + "' is neither record nor task");
      for (String t : sc.templateTypes()) {
        check(
            problems,
            TEMPLATE_TYPES.contains(t),
            key + ".template_types",
            "unknown template type '" + t + "'; FLAN uses " + TEMPLATE_TYPES);
      }
      checkTaskRules(sc.includeTasks(), key + ".include_tasks", problems);
      checkTaskRules(sc.excludeTasks(), key + ".exclude_tasks", problems);
    }
  }

  /** Every pattern is there and compiles; a bad one is named by its place in the list. */
  private static void checkTaskRules(
      List<TaskRule> rules, String key, List<ConfigException> problems) {
    for (int i = 0; i < rules.size(); i++) {
      TaskRule r = rules.get(i);
      if (r == null || !notBlank(r.pattern())) {
        problems.add(new ConfigException(key + "[" + i + "]", "is an empty task pattern"));
        continue;
      }
      try {
        r.compile();
      } catch (java.util.regex.PatternSyntaxException e) {
        problems.add(
            new ConfigException(
                key + "[" + i + "]",
                "'" + r.pattern() + "' is not a valid regular expression: " + e.getDescription()));
      }
    }
  }

  private static void validateTeacher(TeacherConfig t, String at, List<ConfigException> problems) {
    check(
        problems,
        notBlank(t.model()),
        at + ".model",
        "is required (the model name sent to the API)");
    check(problems, notBlank(t.provider()), at + ".provider", "is required");
    if (!t.isSimulated()) {
      check(
          problems,
          isHttpUrl(t.baseUrl()),
          at + ".base_url",
          "must be an http(s) URL such as https://api.openai.com/v1 or http://localhost:8000/v1,"
              + " got '"
              + t.baseUrl()
              + "'");
    }
    check(
        problems,
        t.apiKeyEnv().matches("[A-Za-z_][A-Za-z0-9_]*"),
        at + ".api_key_env",
        "must be the NAME of an environment variable (the key itself never goes in a config file)");
    check(
        problems,
        AUTH_HEADERS.contains(t.authHeader()),
        at + ".auth_header",
        "must be one of "
            + AUTH_HEADERS
            + " (api-key is Azure OpenAI's header, x-api-key Anthropic's)");
    check(
        problems,
        t.temperature() >= 0 && t.temperature() <= 2,
        at + ".temperature",
        "must be between 0 and 2");
    check(
        problems,
        t.topP() == null || (t.topP() > 0 && t.topP() <= 1),
        at + ".top_p",
        "must be in (0, 1]");
    check(problems, t.maxTokens() >= 1, at + ".max_tokens", "must be at least 1");
    check(
        problems,
        t.reasoningEffort() == null || REASONING_EFFORTS.contains(t.reasoningEffort()),
        at + ".reasoning_effort",
        "must be one of " + REASONING_EFFORTS);
    check(
        problems,
        t.reasoningEffort() == null || t.isReasoningModel(),
        at + ".reasoning_effort",
        "is only sent to a reasoning model; "
            + t.model()
            + " is not one by its name (set teacher.reasoning: true if it is)");
    check(
        problems,
        !(t.isAnthropic() && t.isReasoningModel())
            || t.maxTokens() > ChatRequest.MIN_THINKING_BUDGET,
        at + ".max_tokens",
        "extended thinking (teacher.reasoning: true) needs max_tokens above "
            + ChatRequest.MIN_THINKING_BUDGET
            + ": the thinking budget is at least that and counts against max_tokens");
    check(problems, t.maxInputTokens() >= 1, at + ".max_input_tokens", "must be at least 1");
    check(
        problems,
        TeacherConfig.ONLINE.equals(t.mode()) || TeacherConfig.BATCH.equals(t.mode()),
        at + ".mode",
        "must be online or batch, got '" + t.mode() + "'");
    check(
        problems,
        !t.isBatch() || !t.stream(),
        at + ".stream",
        "cannot be used with teacher.mode: batch");
    check(problems, t.batch().maxRequests() >= 1, at + ".batch.max_requests", "must be at least 1");
    check(
        problems,
        t.batch().maxEnqueuedTokens() >= 0,
        at + ".batch.max_enqueued_tokens",
        "must be 0 (no budget) or more");
    check(problems, t.batch().maxBytes() >= 1024, at + ".batch.max_bytes", "must be at least 1024");
    check(
        problems,
        t.batch().pollSeconds() >= 1 && t.batch().maxPollSeconds() >= t.batch().pollSeconds(),
        at + ".batch.poll_seconds",
        "must be at least 1 and at most " + at + ".batch.max_poll_seconds");
    check(
        problems, t.batch().maxResubmits() >= 0, at + ".batch.max_resubmits", "must be 0 or more");
    check(
        problems,
        t.batch().completionWindow().matches("\\d+h"),
        at + ".batch.completion_window",
        "must be hours such as 24h, got '" + t.batch().completionWindow() + "'");
    check(
        problems,
        t.concurrency() >= 1 && t.concurrency() <= 4096,
        at + ".concurrency",
        "must be between 1 and 4096");
    check(
        problems,
        t.maxAttempts() >= 1 && t.maxAttempts() <= 50,
        at + ".max_attempts",
        "must be between 1 and 50");
    check(
        problems,
        t.connectTimeoutSeconds() >= 1,
        at + ".connect_timeout_seconds",
        "must be at least 1");
    check(
        problems, t.readTimeoutSeconds() >= 1, at + ".read_timeout_seconds", "must be at least 1");
    check(
        problems, t.callTimeoutSeconds() >= 1, at + ".call_timeout_seconds", "must be at least 1");
    check(problems, t.simulatedLatencyMs() >= 0, at + ".simulated_latency_ms", "must be 0 or more");
    check(problems, t.rpm() >= 0, at + ".rpm", "must be 0 (no limit) or more");
    check(problems, t.tpm() >= 0, at + ".tpm", "must be 0 (no limit) or more");
    check(problems, t.workers() >= 1, at + ".workers", "must be at least 1");
    check(
        problems,
        t.breakerWindow() == 0 || t.breakerWindow() >= 5,
        at + ".breaker_window",
        "must be 0 (off) or at least 5 questions");
    check(problems, t.maxStallMinutes() >= 0, at + ".max_stall_minutes", "must be 0 (off) or more");
    check(
        problems,
        t.tpm() == 0 || t.tpmPerWorker() >= t.maxTokens(),
        at + ".tpm",
        "a worker's share ("
            + t.tpmPerWorker()
            + " per minute) must fit at least one request's max_tokens ("
            + t.maxTokens()
            + ")");
  }

  private static boolean isHttpUrl(String s) {
    if (!notBlank(s)) {
      return false;
    }
    try {
      URI u = URI.create(s);
      return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  private static void check(
      List<ConfigException> problems, boolean ok, String key, String message) {
    if (!ok) {
      problems.add(new ConfigException(key, message));
    }
  }
}
