package dev.orcaset.config;

import dev.orcaset.model.ChatRequest;
import java.io.Serializable;

/**
 * `teacher`: which model answers, how, and how hard we may push it.
 *
 * <p>{@code provider: simulated} starts the built-in simulated teacher in-process; any other
 * provider is reached over the OpenAI-compatible Chat Completions API at {@code baseUrl}. The API
 * key is never in the file: {@code apiKeyEnv} names the environment variable holding it. {@code
 * rpm} and {@code tpm} are the account's limits (0: none); {@code workers} is how many worker JVMs
 * share them, each taking an equal share. {@code concurrency} is the most requests in flight per
 * worker; with {@code adaptiveConcurrency} fewer are sent while the server's latency shows it is
 * queueing them (see {@code ConcurrencyLimit}).
 */
public record TeacherConfig(
    String provider,
    String baseUrl,
    String model,
    String apiKeyEnv,
    String authHeader,
    Double temperature,
    Double topP,
    Integer maxTokens,
    Integer maxInputTokens,
    Long seed,
    Integer concurrency,
    Integer maxAttempts,
    Integer connectTimeoutSeconds,
    Integer readTimeoutSeconds,
    Integer callTimeoutSeconds,
    Integer simulatedLatencyMs,
    Long rpm,
    Long tpm,
    Integer workers,
    Integer breakerWindow,
    Integer maxStallMinutes,
    Boolean stream,
    Boolean adaptiveConcurrency,
    String mode,
    BatchConfig batch,
    Boolean reasoning,
    String reasoningEffort)
    implements Serializable {

  public static final String SIMULATED = "simulated";
  public static final String ONLINE = "online";
  public static final String BATCH = "batch";

  public TeacherConfig {
    provider = provider == null ? "openai-compatible" : provider;
    apiKeyEnv = apiKeyEnv == null ? "OPENAI_API_KEY" : apiKeyEnv;
    authHeader =
        authHeader == null ? ("anthropic".equals(provider) ? "x-api-key" : "bearer") : authHeader;
    temperature = temperature == null ? 0.7 : temperature;
    maxTokens = maxTokens == null ? 1024 : maxTokens;
    // An input this long is almost surely a broken record; it would be paid for in full.
    maxInputTokens = maxInputTokens == null ? 32_768 : maxInputTokens;
    concurrency = concurrency == null ? 16 : concurrency;
    maxAttempts = maxAttempts == null ? 6 : maxAttempts;
    connectTimeoutSeconds = connectTimeoutSeconds == null ? 10 : connectTimeoutSeconds;
    // LLM answers of a thousand tokens can take minutes on a loaded server.
    readTimeoutSeconds = readTimeoutSeconds == null ? 600 : readTimeoutSeconds;
    callTimeoutSeconds = callTimeoutSeconds == null ? 900 : callTimeoutSeconds;
    simulatedLatencyMs = simulatedLatencyMs == null ? 0 : simulatedLatencyMs;
    rpm = rpm == null ? 0L : rpm;
    tpm = tpm == null ? 0L : tpm;
    workers = workers == null ? 1 : workers;
    breakerWindow = breakerWindow == null ? 50 : breakerWindow;
    maxStallMinutes = maxStallMinutes == null ? 15 : maxStallMinutes;
    stream = stream != null && stream;
    adaptiveConcurrency = adaptiveConcurrency == null || adaptiveConcurrency;
    mode = mode == null ? ONLINE : mode;
    batch = batch == null ? BatchConfig.defaults() : batch;
  }

  /**
   * Whether the model takes a reasoning model's request (no sampling parameters, {@code
   * max_completion_tokens}): {@code teacher.reasoning} when set, else by the model's name.
   */
  public boolean isReasoningModel() {
    return reasoning != null
        ? reasoning
        : model != null && !isAnthropic() && ChatRequest.isReasoningModel(model);
  }

  /** Whether requests go through the provider's asynchronous Batch API (`teacher.mode: batch`). */
  public boolean isBatch() {
    return BATCH.equals(mode);
  }

  /** The wire format: Anthropic's Messages API for `provider: anthropic`, else OpenAI's. */
  public boolean isAnthropic() {
    return "anthropic".equals(provider);
  }

  /** This worker's share of the requests-per-minute budget (0: no limit). */
  public long rpmPerWorker() {
    return rpm / workers;
  }

  /** This worker's share of the tokens-per-minute budget (0: no limit). */
  public long tpmPerWorker() {
    return tpm / workers;
  }

  public boolean isSimulated() {
    return SIMULATED.equals(provider);
  }

  /** Every field at its default (an OpenAI-compatible teacher with no model named). */
  public static TeacherConfig defaults() {
    return new TeacherConfig(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** A copy to change: {@code cfg.toBuilder().model("gpt-4o").build()}. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes named fields of a config; every other field keeps its value. */
  public static final class Builder {
    private String provider;
    private String baseUrl;
    private String model;
    private String apiKeyEnv;
    private String authHeader;
    private Double temperature;
    private Double topP;
    private Integer maxTokens;
    private Integer maxInputTokens;
    private Long seed;
    private Integer concurrency;
    private Integer maxAttempts;
    private Integer connectTimeoutSeconds;
    private Integer readTimeoutSeconds;
    private Integer callTimeoutSeconds;
    private Integer simulatedLatencyMs;
    private Long rpm;
    private Long tpm;
    private Integer workers;
    private Integer breakerWindow;
    private Integer maxStallMinutes;
    private Boolean stream;
    private Boolean adaptiveConcurrency;
    private String mode;
    private BatchConfig batch;
    private Boolean reasoning;
    private String reasoningEffort;

    private Builder(TeacherConfig c) {
      provider = c.provider;
      baseUrl = c.baseUrl;
      model = c.model;
      apiKeyEnv = c.apiKeyEnv;
      authHeader = c.authHeader;
      temperature = c.temperature;
      topP = c.topP;
      maxTokens = c.maxTokens;
      maxInputTokens = c.maxInputTokens;
      seed = c.seed;
      concurrency = c.concurrency;
      maxAttempts = c.maxAttempts;
      connectTimeoutSeconds = c.connectTimeoutSeconds;
      readTimeoutSeconds = c.readTimeoutSeconds;
      callTimeoutSeconds = c.callTimeoutSeconds;
      simulatedLatencyMs = c.simulatedLatencyMs;
      rpm = c.rpm;
      tpm = c.tpm;
      workers = c.workers;
      breakerWindow = c.breakerWindow;
      maxStallMinutes = c.maxStallMinutes;
      stream = c.stream;
      adaptiveConcurrency = c.adaptiveConcurrency;
      mode = c.mode;
      batch = c.batch;
      reasoning = c.reasoning;
      reasoningEffort = c.reasoningEffort;
    }

    public Builder provider(String value) {
      provider = value;
      return this;
    }

    public Builder baseUrl(String value) {
      baseUrl = value;
      return this;
    }

    public Builder model(String value) {
      model = value;
      return this;
    }

    public Builder apiKeyEnv(String value) {
      apiKeyEnv = value;
      return this;
    }

    public Builder authHeader(String value) {
      authHeader = value;
      return this;
    }

    public Builder temperature(Double value) {
      temperature = value;
      return this;
    }

    public Builder topP(Double value) {
      topP = value;
      return this;
    }

    public Builder maxTokens(Integer value) {
      maxTokens = value;
      return this;
    }

    public Builder maxInputTokens(Integer value) {
      maxInputTokens = value;
      return this;
    }

    public Builder seed(Long value) {
      seed = value;
      return this;
    }

    public Builder concurrency(Integer value) {
      concurrency = value;
      return this;
    }

    public Builder maxAttempts(Integer value) {
      maxAttempts = value;
      return this;
    }

    public Builder connectTimeoutSeconds(Integer value) {
      connectTimeoutSeconds = value;
      return this;
    }

    public Builder readTimeoutSeconds(Integer value) {
      readTimeoutSeconds = value;
      return this;
    }

    public Builder callTimeoutSeconds(Integer value) {
      callTimeoutSeconds = value;
      return this;
    }

    public Builder simulatedLatencyMs(Integer value) {
      simulatedLatencyMs = value;
      return this;
    }

    public Builder rpm(Long value) {
      rpm = value;
      return this;
    }

    public Builder tpm(Long value) {
      tpm = value;
      return this;
    }

    public Builder workers(Integer value) {
      workers = value;
      return this;
    }

    public Builder breakerWindow(Integer value) {
      breakerWindow = value;
      return this;
    }

    public Builder maxStallMinutes(Integer value) {
      maxStallMinutes = value;
      return this;
    }

    public Builder stream(Boolean value) {
      stream = value;
      return this;
    }

    public Builder adaptiveConcurrency(Boolean value) {
      adaptiveConcurrency = value;
      return this;
    }

    public Builder mode(String value) {
      mode = value;
      return this;
    }

    public Builder batch(BatchConfig value) {
      batch = value;
      return this;
    }

    public Builder reasoning(Boolean value) {
      reasoning = value;
      return this;
    }

    public Builder reasoningEffort(String value) {
      reasoningEffort = value;
      return this;
    }

    public TeacherConfig build() {
      return new TeacherConfig(
          provider,
          baseUrl,
          model,
          apiKeyEnv,
          authHeader,
          temperature,
          topP,
          maxTokens,
          maxInputTokens,
          seed,
          concurrency,
          maxAttempts,
          connectTimeoutSeconds,
          readTimeoutSeconds,
          callTimeoutSeconds,
          simulatedLatencyMs,
          rpm,
          tpm,
          workers,
          breakerWindow,
          maxStallMinutes,
          stream,
          adaptiveConcurrency,
          mode,
          batch,
          reasoning,
          reasoningEffort);
    }
  }
}
