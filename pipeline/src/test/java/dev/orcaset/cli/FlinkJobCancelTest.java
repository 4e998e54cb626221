package dev.orcaset.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;

/**
 * The launcher's check that its Flink job can still finish, against a loopback server answering as
 * Flink's REST API does.
 */
class FlinkJobCancelTest {
  private static MockResponse taskManagers(int n) {
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < n; i++) {
      list.append(i == 0 ? "" : ",").append("{\"id\":\"tm-").append(i).append("\"}");
    }
    return new MockResponse.Builder()
        .addHeader("Content-Type", "application/json")
        .body("{\"taskmanagers\":[" + list + "]}")
        .build();
  }

  @Test
  void aClusterWithoutTaskManagers_isStuckOnlyOnceItHasBeenSoForTheTimeout() throws Exception {
    try (MockWebServer flink = new MockWebServer()) {
      flink.enqueue(taskManagers(2));
      flink.enqueue(taskManagers(0));
      flink.enqueue(taskManagers(0));
      flink.enqueue(taskManagers(1));
      flink.enqueue(taskManagers(0));
      flink.start();
      String base = flink.url("/").toString().replaceAll("/$", "");
      FlinkJobCancel job = new FlinkJobCancel(base, "orcaset-run");

      assertNull(job.whyStuck(0), "two TaskManagers: the job can run");
      assertNull(job.whyStuck(60_000), "none, but not for a minute yet");
      String why = job.whyStuck(0);
      assertTrue(why != null && why.contains("no TaskManager has been registered with " + base));
      assertTrue(why.contains("job 'orcaset-run'"), why);
      assertNull(job.whyStuck(0), "one came back: the wait starts again");
      assertNull(job.whyStuck(60_000), "none again, counted from now");
      assertEquals("/taskmanagers", flink.takeRequest().getUrl().encodedPath());
    }
  }
}
