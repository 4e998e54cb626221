package dev.orcaset;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Prints every thread's stack when a test is still running after {@link #AFTER}: a test that hangs
 * on a CI machine (and only there) then says where, before JUnit's default timeout (see
 * junit-platform.properties) fails it. Registered for every test by the service loader.
 */
public final class HangReport implements BeforeTestExecutionCallback, AfterTestExecutionCallback {
  static final Duration AFTER =
      Duration.ofSeconds(Long.getLong("orcaset.test.hangReportSeconds", 180));
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "hang-report");
            t.setDaemon(true);
            return t;
          });

  @Override
  public void beforeTestExecution(ExtensionContext context) {
    String name = context.getDisplayName();
    String where = context.getRequiredTestClass().getName() + "." + name;
    ScheduledFuture<?> report =
        TIMER.schedule(() -> print(where), AFTER.toSeconds(), TimeUnit.SECONDS);
    context.getStore(ExtensionContext.Namespace.create(HangReport.class)).put("report", report);
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    ScheduledFuture<?> report =
        context
            .getStore(ExtensionContext.Namespace.create(HangReport.class))
            .remove("report", ScheduledFuture.class);
    if (report != null) {
      report.cancel(false);
    }
  }

  private static void print(String where) {
    StringBuilder dump = new StringBuilder();
    dump.append("HANG REPORT: ")
        .append(where)
        .append(" still running after ")
        .append(AFTER.toSeconds())
        .append(" s; its threads:\n");
    for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
      dump.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState());
      if (t.getLockName() != null) {
        dump.append(" on ").append(t.getLockName());
      }
      dump.append('\n');
      for (StackTraceElement e : t.getStackTrace()) {
        dump.append("    at ").append(e).append('\n');
      }
    }
    System.err.print(dump);
    System.err.flush();
  }
}
