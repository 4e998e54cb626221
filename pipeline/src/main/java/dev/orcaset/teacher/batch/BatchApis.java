package dev.orcaset.teacher.batch;

import dev.orcaset.config.TeacherConfig;
import okhttp3.OkHttpClient;

/** The batch API for a teacher config: Anthropic's Message Batches or OpenAI's Batch API. */
public final class BatchApis {
  private BatchApis() {}

  public static BatchApi of(TeacherConfig t, OkHttpClient http, String apiKey) {
    if (t.isAnthropic()) {
      return new AnthropicBatchApi(http, t.baseUrl(), t.apiKeyEnv(), apiKey);
    }
    return new OpenAiBatchApi(
        http, t.baseUrl(), t.apiKeyEnv(), apiKey, t.batch().completionWindow());
  }
}
