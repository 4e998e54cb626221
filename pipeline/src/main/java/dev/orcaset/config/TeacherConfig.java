package dev.orcaset.config;

import java.io.Serializable;

/**
 * `teacher`: which model answers, how, and how hard we may push it.
 *
 * <p>{@code provider: simulated} starts the built-in simulated teacher in-process; any other
 * provider is reached over the OpenAI-compatible Chat Completions API at {@code baseUrl}. The
 * API key is never in the file: {@code apiKeyEnv} names the environment variable holding it.
 * {@code rpm} and {@code tpm} are the account's limits (0: none); {@code workers} is how many
 * worker JVMs share them, each taking an equal share. {@code concurrency} is the most requests in
 * flight per worker; with {@code adaptiveConcurrency} fewer are sent while the server's latency
 * shows it is queueing them (see {@code ConcurrencyLimit}).
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
    BatchConfig batch)
    implements Serializable {

  public static final String SIMULATED = "simulated";
  public static final String ONLINE = "online";
  public static final String BATCH = "batch";

  public TeacherConfig {
    provider = provider == null ? "openai-compatible" : provider;
    apiKeyEnv = apiKeyEnv == null ? "OPENAI_API_KEY" : apiKeyEnv;
    authHeader = authHeader == null ? ("anthropic".equals(provider) ? "x-api-key" : "bearer") : authHeader;
    temperature = temperature == null ? 0.7 : temperature;
    maxTokens = maxTokens == null ? 1024 : maxTokens;
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

  /** Whether requests go through the provider's asynchronous Batch API (`teacher.mode: batch`). */
  public boolean isBatch() {
    return BATCH.equals(mode);
  }

  /** The wire format: Anthropic's Messages API for `provider: anthropic`, else OpenAI's. */
  public boolean isAnthropic() {
    return "anthropic".equals(provider);
  }

  public TeacherConfig withBatch(BatchConfig newBatch) {
    return new TeacherConfig(provider, baseUrl, model, apiKeyEnv, authHeader, temperature,
        topP, maxTokens, seed, concurrency, maxAttempts, connectTimeoutSeconds,
        readTimeoutSeconds, callTimeoutSeconds, simulatedLatencyMs, rpm, tpm, workers, breakerWindow, maxStallMinutes,
        stream, adaptiveConcurrency, mode, newBatch);
  }

  public TeacherConfig withMode(String newMode) {
    return new TeacherConfig(provider, baseUrl, model, apiKeyEnv, authHeader, temperature,
        topP, maxTokens, seed, concurrency, maxAttempts, connectTimeoutSeconds,
        readTimeoutSeconds, callTimeoutSeconds, simulatedLatencyMs, rpm, tpm, workers, breakerWindow, maxStallMinutes,
        stream, adaptiveConcurrency, newMode, batch);
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

  public TeacherConfig withEndpoint(String newProvider, String newBaseUrl) {
    return new TeacherConfig(newProvider, newBaseUrl, model, apiKeyEnv, authHeader, temperature,
        topP, maxTokens, seed, concurrency, maxAttempts, connectTimeoutSeconds,
        readTimeoutSeconds, callTimeoutSeconds, simulatedLatencyMs, rpm, tpm, workers, breakerWindow, maxStallMinutes, stream, adaptiveConcurrency, mode, batch);
  }

  public TeacherConfig withModel(String newModel) {
    return new TeacherConfig(provider, baseUrl, newModel, apiKeyEnv, authHeader, temperature,
        topP, maxTokens, seed, concurrency, maxAttempts, connectTimeoutSeconds,
        readTimeoutSeconds, callTimeoutSeconds, simulatedLatencyMs, rpm, tpm, workers, breakerWindow, maxStallMinutes, stream, adaptiveConcurrency, mode, batch);
  }

  public TeacherConfig withLimits(Long newRpm, Long newTpm) {
    return new TeacherConfig(provider, baseUrl, model, apiKeyEnv, authHeader, temperature,
        topP, maxTokens, seed, concurrency, maxAttempts, connectTimeoutSeconds,
        readTimeoutSeconds, callTimeoutSeconds, simulatedLatencyMs,
        newRpm == null ? rpm : newRpm, newTpm == null ? tpm : newTpm, workers, breakerWindow, maxStallMinutes, stream, adaptiveConcurrency, mode, batch);
  }

  public TeacherConfig withConcurrency(int n) {
    return new TeacherConfig(provider, baseUrl, model, apiKeyEnv, authHeader, temperature,
        topP, maxTokens, seed, n, maxAttempts, connectTimeoutSeconds,
        readTimeoutSeconds, callTimeoutSeconds, simulatedLatencyMs, rpm, tpm, workers, breakerWindow, maxStallMinutes, stream, adaptiveConcurrency, mode, batch);
  }
}
