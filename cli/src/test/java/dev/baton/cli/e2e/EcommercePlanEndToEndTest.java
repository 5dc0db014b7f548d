package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.cli.mesh.Mesh;
import dev.baton.v1.ListOrchestratorsRequest;
import dev.baton.v1.OrchestratorInstance;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanFinished;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SubmitPlanRequest;
import dev.baton.v1.SubmitPlanResponse;
import dev.baton.v1.SyncPointStatus;
import dev.baton.v1.TaskState;
import dev.baton.v1.TaskStatus;
import dev.baton.v1.ValidatePlanRequest;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The seed's e-commerce plan through five separate processes, judged from its event stream alone:
 * every ordering guarantee is checked on the events' sequence numbers, which the master assigns in
 * the order it applied them.
 */
@ExtendWith(SharedMesh.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EcommercePlanEndToEndTest {
  /** The plan's estimated makespan is squeezed into about this much wall clock. */
  private static final double TARGET_SECONDS = 12;

  private MasterApi api;
  private PlanStatus finalStatus;
  private List<PlanEvent> events;
  private Map<String, String> domainOfInstance;
  private Map<String, Integer> capacityOfInstance;

  @BeforeAll
  void runThePlan(Mesh mesh) throws Exception {
    api = new MasterApi(mesh.masterAddress());
    String yaml = Files.readString(TestPaths.example("ecommerce.yaml"));
    double makespan =
        api.call().validatePlan(ValidatePlanRequest.newBuilder().setPlanYaml(yaml).build())
            .getAnalysis().getEstimatedMakespanMinutes();
    double timeScale = TARGET_SECONDS / (makespan * 60);

    SubmitPlanResponse submitted =
        api.call().submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(yaml).setTimeScale(timeScale).build());
    events = api.watch(submitted.getPlanId()).awaitEnd(90);
    finalStatus = api.call().getPlan(dev.baton.v1.GetPlanRequest.newBuilder().setPlanId(submitted.getPlanId()).build())
        .getStatus();

    domainOfInstance = new HashMap<>();
    capacityOfInstance = new HashMap<>();
    for (OrchestratorInstance i : api.call().listOrchestrators(ListOrchestratorsRequest.getDefaultInstance()).getInstancesList()) {
      domainOfInstance.put(i.getOrchestrator().getId(), i.getOrchestrator().getSpecialization().getDomain());
      capacityOfInstance.put(i.getOrchestrator().getId(), i.getOrchestrator().getCapabilities().getMaxConcurrentTasks());
    }
  }

  @AfterAll
  void closeClient() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void planSucceedsWithASummaryOfAllFourOrchestrators() {
    PlanFinished finished = events.get(events.size() - 1).getPlanFinished();
    assertThat(finished.getState()).as(finalStatus.getReason()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(finalStatus.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(finished.hasSummary()).isTrue();
    assertThat(finalStatus.getSummary().getSequentialMinutes()).isEqualTo(435.0);
    assertThat(finalStatus.getSummary().getOrchestratorsList())
        .extracting(o -> o.getOrchestrator())
        .containsExactlyInAnyOrder("frontend", "backend", "devops", "testing");
    assertThat(finalStatus.getSummary().getSyncPointsCount()).isEqualTo(3);
    assertThat(finalStatus.getSummary().getMeasuredMakespanMinutes()).isPositive();
  }

  @Test
  void eventsAreNumberedWithoutGaps() {
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).getSequence()).isEqualTo(i + 1L);
    }
  }

  @Test
  void everyTaskSucceedsExactlyOnce() {
    Map<String, Long> successes =
        events.stream().filter(PlanEvent::hasTaskSucceeded)
            .collect(Collectors.groupingBy(e -> e.getTaskSucceeded().getTaskId(), Collectors.counting()));
    List<String> taskIds = finalStatus.getTasksList().stream().map(TaskStatus::getId).toList();
    assertThat(taskIds).hasSize(19);
    assertThat(successes.keySet()).containsExactlyInAnyOrderElementsOf(taskIds);
    assertThat(successes.values()).allMatch(n -> n == 1L);
    assertThat(finalStatus.getTasksList()).allMatch(t -> t.getState() == TaskState.TASK_STATE_SUCCEEDED);
  }

  @Test
  void noTaskStartsBeforeItsDependenciesFinished() {
    Map<String, Long> succeededAt = succeededAt();
    int checked = 0;
    for (PlanEvent e : events) {
      if (!e.hasTaskStarted()) {
        continue;
      }
      TaskStatus task = task(e.getTaskStarted().getTaskId());
      for (String dependency : task.getDependsOnList()) {
        assertThat(succeededAt.get(dependency))
            .as("%s started at #%d, its dependency %s", task.getId(), e.getSequence(), dependency)
            .isNotNull()
            .isLessThan(e.getSequence());
        checked++;
      }
    }
    assertThat(checked).as("dependency edges checked").isPositive();
  }

  @Test
  void noGatedTaskStartsBeforeItsSyncPointIsReleased() {
    Map<String, Long> succeededAt = succeededAt();
    Map<String, Long> startedAt = firstStartedAt();
    assertThat(finalStatus.getSyncPointsList()).hasSize(3);
    for (SyncPointStatus point : finalStatus.getSyncPointsList()) {
      long reached = sequenceOf(e -> e.hasSyncPointReached() && e.getSyncPointReached().getName().equals(point.getName()));
      long released = sequenceOf(e -> e.hasSyncPointReleased() && e.getSyncPointReleased().getName().equals(point.getName()));
      assertThat(released).as("%s released after it was reached", point.getName()).isGreaterThan(reached);
      for (String after : point.getAfterList()) {
        assertThat(succeededAt.get(after)).as("%s reached after %s finished", point.getName(), after).isLessThan(reached);
      }
      assertThat(point.getBeforeList()).isNotEmpty();
      for (String before : point.getBeforeList()) {
        assertThat(startedAt.get(before)).as("%s started after '%s' was released", before, point.getName())
            .isGreaterThan(released);
      }
    }
  }

  @Test
  void tasksOfDifferentOrchestratorsOverlapInTime() {
    Map<String, Long> startedAt = firstStartedAt();
    Map<String, Long> succeededAt = succeededAt();
    List<String> overlaps = new ArrayList<>();
    for (TaskStatus a : finalStatus.getTasksList()) {
      for (TaskStatus b : finalStatus.getTasksList()) {
        if (!a.getOrchestrator().equals(b.getOrchestrator())
            && startedAt.get(a.getId()) < succeededAt.get(b.getId())
            && startedAt.get(b.getId()) < succeededAt.get(a.getId())) {
          overlaps.add(a.getId() + "(" + a.getOrchestrator() + ") || " + b.getId() + "(" + b.getOrchestrator() + ")");
        }
      }
    }
    assertThat(overlaps).isNotEmpty();
  }

  @Test
  void noInstanceRunsMoreThanItsMaxConcurrentTasks() {
    Map<String, Integer> running = new HashMap<>();
    Map<String, Integer> peak = new HashMap<>();
    Map<String, String> instanceOfAttempt = new HashMap<>();
    for (PlanEvent e : events) {
      if (e.hasTaskStarted()) {
        String instance = e.getTaskStarted().getInstanceId();
        instanceOfAttempt.put(e.getTaskStarted().getTaskId() + "#" + e.getTaskStarted().getAttempt(), instance);
        int now = running.merge(instance, 1, Integer::sum);
        peak.merge(instance, now, Math::max);
      } else if (e.hasTaskSucceeded()) {
        release(running, instanceOfAttempt, e.getTaskSucceeded().getTaskId() + "#" + e.getTaskSucceeded().getAttempt());
      } else if (e.hasTaskFailed()) {
        release(running, instanceOfAttempt, e.getTaskFailed().getTaskId() + "#" + e.getTaskFailed().getAttempt());
      }
    }
    assertThat(peak.keySet()).isNotEmpty().allMatch(domainOfInstance::containsKey);
    peak.forEach((instance, max) ->
        assertThat(max).as("peak concurrency of %s", instance).isLessThanOrEqualTo(capacityOfInstance.get(instance)));
  }

  private static void release(Map<String, Integer> running, Map<String, String> instanceOfAttempt, String attempt) {
    String instance = instanceOfAttempt.remove(attempt);
    if (instance != null) {
      running.merge(instance, -1, Integer::sum);
    }
  }

  private TaskStatus task(String id) {
    return finalStatus.getTasksList().stream().filter(t -> t.getId().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no task " + id));
  }

  private Map<String, Long> succeededAt() {
    return events.stream().filter(PlanEvent::hasTaskSucceeded)
        .collect(Collectors.toMap(e -> e.getTaskSucceeded().getTaskId(), PlanEvent::getSequence, Math::min));
  }

  private Map<String, Long> firstStartedAt() {
    return events.stream().filter(PlanEvent::hasTaskStarted)
        .collect(Collectors.toMap(e -> e.getTaskStarted().getTaskId(), PlanEvent::getSequence, Math::min));
  }

  private long sequenceOf(java.util.function.Predicate<PlanEvent> p) {
    return events.stream().filter(p).mapToLong(PlanEvent::getSequence).findFirst()
        .orElseThrow(() -> new AssertionError("no such event"));
  }
}
