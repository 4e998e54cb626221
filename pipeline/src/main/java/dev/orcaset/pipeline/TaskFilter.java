package dev.orcaset.pipeline;

import dev.orcaset.config.SamplingConfig;
import dev.orcaset.config.SubmixConfig;
import dev.orcaset.config.TaskRule;
import dev.orcaset.model.DropReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One submix's task filters, compiled: a task is kept when it matches the `sampling` level's
 * `include_tasks` (if any) and the submix's (if any), and no `exclude_tasks` of either, the entries
 * of task list files included. A record without a task name matches no pattern.
 */
final class TaskFilter {
  /** Why a task is left out: the reason and the pattern or list that says so. */
  record LeftOut(DropReason reason, String detail) {}

  private record Compiled(TaskRule rule, Pattern pattern, String key) {}

  private final List<List<Compiled>> includes;
  private final List<Compiled> excludes;

  private TaskFilter(List<List<Compiled>> includes, List<Compiled> excludes) {
    this.includes = includes;
    this.excludes = excludes;
  }

  static TaskFilter of(SamplingConfig sampling, String submix, SubmixConfig sc) {
    String at = "sampling.submixes." + submix;
    List<List<Compiled>> includes = new ArrayList<>();
    for (List<Compiled> level :
        List.of(
            compile(sampling.includeTasks(), "sampling.include_tasks"),
            compile(sc == null ? List.of() : sc.includeTasks(), at + ".include_tasks"))) {
      if (!level.isEmpty()) {
        includes.add(level);
      }
    }
    List<Compiled> excludes =
        new ArrayList<>(compile(sampling.excludeTasks(), "sampling.exclude_tasks"));
    excludes.addAll(compile(sc == null ? List.of() : sc.excludeTasks(), at + ".exclude_tasks"));
    return new TaskFilter(includes, excludes);
  }

  private static List<Compiled> compile(List<TaskRule> rules, String key) {
    List<Compiled> out = new ArrayList<>();
    for (TaskRule r : rules) {
      out.add(new Compiled(r, r.compile(), key));
    }
    return out;
  }

  Optional<LeftOut> leftOut(String taskName) {
    String task = taskName == null ? "" : taskName;
    for (List<Compiled> level : includes) {
      if (level.stream().noneMatch(c -> c.pattern().matcher(task).matches())) {
        return Optional.of(
            new LeftOut(
                DropReason.TASK_NOT_INCLUDED,
                "task_name '" + task + "' matches none of " + level.get(0).key()));
      }
    }
    for (Compiled c : excludes) {
      if (c.pattern().matcher(task).matches()) {
        return Optional.of(
            new LeftOut(
                DropReason.TASK_EXCLUDED,
                "task_name '" + task + "' matches " + c.rule().describe() + " of " + c.key()));
      }
    }
    return Optional.empty();
  }
}
