package dev.orcaset.teacher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Turns a success whose body is not a JSON object (cut off by a proxy, an HTML error page from a
 * load balancer), or a streamed answer that ends early or carries an error, into a 502, so the
 * retry layer retries it like any other bad gateway instead of the row failing on the first garbled
 * answer.
 */
public final class UnreadableBodyInterceptor implements Interceptor {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_BODY = 64L * 1024 * 1024;

  @Override
  public Response intercept(Chain chain) throws IOException {
    Response response = chain.proceed(chain.request());
    if (!response.isSuccessful() || response.body() == null) {
      return response;
    }
    String text = response.peekBody(MAX_BODY).string();
    boolean streamed = response.header("Content-Type", "").contains("event-stream");
    if (streamed ? isCompleteStream(text) : isJsonObject(text)) {
      return response;
    }
    response.close();
    String excerpt = text.length() > 200 ? text.substring(0, 200) + "…" : text;
    return response
        .newBuilder()
        .code(502)
        .message("unreadable answer")
        .body(
            ResponseBody.create(
                errorJson(response.code(), streamed, excerpt), MediaType.get("application/json")))
        .build();
  }

  private static String errorJson(int code, boolean streamed, String excerpt) {
    var root = JSON.createObjectNode();
    String what =
        streamed ? "a stream that ended early or carried an error" : "a body that is not JSON";
    root.putObject("error")
        .put("message", "the server answered " + code + " with " + what + ": " + excerpt)
        .put("code", "unreadable_body");
    return root.toString();
  }

  private static boolean isCompleteStream(String events) {
    try {
      StreamedAnswer.assemble(events, 1);
      return true;
    } catch (IOException cutOrGarbled) {
      return false;
    }
  }

  private static boolean isJsonObject(String text) {
    try {
      JsonNode node = JSON.readTree(text);
      return node != null && node.isObject();
    } catch (IOException e) {
      return false;
    }
  }
}
