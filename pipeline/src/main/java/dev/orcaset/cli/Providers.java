package dev.orcaset.cli;

import dev.orcaset.config.TeacherConfig;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The hosted providers orcaset knows by their API host. The provider decides license tags and
 * whether a missing API key is an error, so it is decided here and nowhere else.
 */
final class Providers {
  private Providers() {}

  /** API host → provider, for hosts with an exact name; Azure is matched by suffix. */
  private static final Map<String, String> HOSTS =
      Map.of(
          "api.openai.com", "openai",
          "api.anthropic.com", "anthropic",
          "generativelanguage.googleapis.com", "google");

  private static final String AZURE_SUFFIX = ".openai.azure.com";
  private static final String AZURE = "azure-openai";

  /**
   * The provider a URL points at: known hosts by name, anything else (vLLM, Ollama, llama.cpp…) as
   * `openai-compatible`, keeping a non-simulated configured name.
   */
  static String forUrl(String url, TeacherConfig current) {
    return hostOf(url)
        .map(
            host ->
                host.endsWith(AZURE_SUFFIX)
                    ? AZURE
                    : HOSTS.getOrDefault(
                        host, current.isSimulated() ? "openai-compatible" : current.provider()))
        .orElse(current.provider());
  }

  /** Whether a provider is a hosted API that always needs a key. */
  static boolean isHosted(String provider) {
    return HOSTS.containsValue(provider) || AZURE.equals(provider);
  }

  private static Optional<String> hostOf(String url) {
    try {
      return Optional.of(String.valueOf(URI.create(url).getHost()).toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
