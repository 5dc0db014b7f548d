package dev.baton.master.dashboard.http;

import dev.baton.master.delegation.ChannelPool;
import dev.baton.master.registry.Instance;
import dev.baton.master.registry.Registry;
import dev.baton.v1.DroidEvent;
import dev.baton.v1.FileStat;
import dev.baton.v1.GitResult;
import dev.baton.v1.ListDroidEventsRequest;
import dev.baton.v1.ListDroidEventsResponse;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SubOrchestratorGrpc;
import dev.baton.v1.TaskStatus;
import dev.baton.v1.TaskUsage;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A task page's details from where each lives: the rendered prompt, output tail, usage and git result
 * from the task's status (the journal keeps them with its DelegationResult); the droid's event stream
 * from the instance that ran it ({@code ListDroidEvents} over the master's own channel, with the
 * master's certificate and epoch), or, when that instance is gone, the recent events the master kept,
 * saying so in {@code droidEventsNote}. Runs on a request thread; the one remote call has a deadline.
 */
public final class MasterTaskPages implements TaskPages {
  /** Droid events one page shows: the newest this many. */
  public static final int MAX_EVENTS = 1000;
  static final Duration DEADLINE = Duration.ofSeconds(3);

  private final Registry registry;
  private final ChannelPool channels;

  public MasterTaskPages(Registry registry, ChannelPool channels) {
    this.registry = registry;
    this.channels = channels;
  }

  @Override
  public String details(PlanStatus plan, TaskStatus task) {
    String[] note = {""};
    List<DroidEvent> events = droidEvents(task, note);
    StringBuilder json = new StringBuilder();
    json.append("\"prompt\":").append(HttpIo.str(task.getResult().getPrompt()));
    json.append(",\"droidEvents\":[");
    for (int i = 0; i < events.size(); i++) {
      json.append(i == 0 ? "" : ",").append(HttpIo.json(events.get(i)));
    }
    json.append("],\"droidEventsNote\":").append(HttpIo.str(note[0]));
    TaskUsage usage = TaskUsage.newBuilder().setTaskId(task.getId()).setOrchestrator(task.getOrchestrator())
        .setDroid(task.getDroid().isEmpty() ? task.getResult().getDroid() : task.getDroid()).setUsage(task.getUsage()).build();
    json.append(",\"usage\":").append(HttpIo.json(usage));
    GitResult git = task.hasGit() ? task.getGit() : task.getResult().getGit();
    json.append(",\"commit\":").append(HttpIo.str(git.getCommit()));
    json.append(",\"diffstat\":").append(HttpIo.str(diffstat(git)));
    json.append(",\"outputTail\":").append(HttpIo.str(task.getResult().getOutputTail()));
    return json.toString();
  }

  /** {@code git diff --stat} style text: one line per file, then the summary; empty without files. */
  static String diffstat(GitResult git) {
    if (git.getFilesCount() == 0) {
      return "";
    }
    int width = git.getFilesList().stream().mapToInt(f -> f.getPath().length()).max().orElse(0);
    StringBuilder b = new StringBuilder();
    for (FileStat f : git.getFilesList()) {
      b.append(' ').append(f.getPath()).append(" ".repeat(width - f.getPath().length())).append(" | ");
      b.append(f.getBinary() ? "Bin" : (f.getInsertions() + f.getDeletions()) + " "
          + "+".repeat(Math.min(f.getInsertions(), 40)) + "-".repeat(Math.min(f.getDeletions(), 40))).append('\n');
    }
    int n = git.getFilesCount();
    b.append(' ').append(n).append(n == 1 ? " file changed" : " files changed")
        .append(", ").append(git.getInsertions()).append(git.getInsertions() == 1 ? " insertion(+)" : " insertions(+)")
        .append(", ").append(git.getDeletions()).append(git.getDeletions() == 1 ? " deletion(-)" : " deletions(-)");
    return b.toString();
  }

  private List<DroidEvent> droidEvents(TaskStatus task, String[] note) {
    String execution = !task.getExecutionId().isEmpty() ? task.getExecutionId() : task.getResult().getExecutionId();
    if (execution.isEmpty()) {
      note[0] = "the task has not started: no droid events yet";
      return List.of();
    }
    Optional<Instance> instance = task.getInstanceId().isEmpty() ? Optional.empty() : registry.instance(task.getInstanceId());
    if (instance.isEmpty()) {
      note[0] = "instance " + (task.getInstanceId().isEmpty() ? "(none)" : task.getInstanceId())
          + " that ran the task is gone: showing the " + task.getRecentEventsCount()
          + " most recent droid events the master kept";
      return task.getRecentEventsList();
    }
    try {
      var stub = SubOrchestratorGrpc.newBlockingStub(channels.channel(instance.get().address()));
      ListDroidEventsResponse first = stub.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .listDroidEvents(ListDroidEventsRequest.newBuilder().setExecutionId(execution).setLimit(MAX_EVENTS).build());
      if (first.getLastIndex() <= MAX_EVENTS || first.getEventsCount() < MAX_EVENTS) {
        note[0] = dropped(first, instance.get());
        return first.getEventsList();
      }
      ListDroidEventsResponse newest = stub.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .listDroidEvents(ListDroidEventsRequest.newBuilder().setExecutionId(execution)
              .setAfter(first.getLastIndex() - MAX_EVENTS).setLimit(MAX_EVENTS).build());
      note[0] = "the newest " + MAX_EVENTS + " of " + first.getLastIndex() + " droid events, from instance "
          + instance.get().id();
      return newest.getEventsList();
    } catch (StatusRuntimeException e) {
      note[0] = "ListDroidEvents on instance " + instance.get().id() + " failed (" + e.getStatus().getCode()
          + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription())
          + "): showing the " + task.getRecentEventsCount() + " most recent droid events the master kept";
      return task.getRecentEventsList();
    }
  }

  private static String dropped(ListDroidEventsResponse r, Instance instance) {
    return r.getDroppedThrough() > 0
        ? "events 1.." + r.getDroppedThrough() + " were dropped from instance " + instance.id() + "'s bounded log"
        : "";
  }
}
