package dev.baton.cli.e2e;

import static org.awaitility.Awaitility.await;

import dev.baton.v1.GetPlanRequest;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SubmitPlanRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** One plan submitted to a {@link ChaosMesh}: its events as they arrive, and questions about them. */
final class ChaosPlan {
  final String planId;
  final MasterApi.Events events;
  private final MasterApi api;

  private ChaosPlan(MasterApi api, String planId, MasterApi.Events events) {
    this.api = api;
    this.planId = planId;
    this.events = events;
  }

  static ChaosPlan submit(MasterApi api, String yaml, double timeScale) {
    String id = api.call().submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(yaml).setTimeScale(timeScale).build())
        .getPlanId();
    return new ChaosPlan(api, id, api.watch(id));
  }

  /** examples/ecommerce.yaml with another strategy and failure handling. */
  static String ecommerce(String strategy, String failureHandling) {
    try {
      String yaml = Files.readString(TestPaths.example("ecommerce.yaml"));
      return yaml.replace("strategy: hybrid_parallel_sequential", "strategy: " + strategy)
          .replace("failureHandling: failover", "failureHandling: " + failureHandling);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code n} independent backend tasks of {@code minutes} each, under {@code policy}. */
  static String independentBackendTasks(int n, int minutes, String policy) {
    StringBuilder yaml = new StringBuilder("""
        apiVersion: baton.dev/v1
        kind: Plan
        metadata:
          name: spread-%s
        spec:
          strategy: parallel
          delegationPolicy: %s
          tasks:
        """.formatted(policy.replace('_', '-'), policy));
    for (int i = 1; i <= n; i++) {
      yaml.append("""
              - id: endpoint-%02d
                description: REST API endpoint %d with its database queries
                orchestrator: backend
                estimate: %dm
          """.formatted(i, i, minutes));
    }
    return yaml.toString();
  }

  /** The first event matching {@code p}, waiting up to {@code timeout} for it. */
  PlanEvent awaitEvent(String what, Predicate<PlanEvent> p, Duration timeout) {
    await(what + " in plan " + planId).atMost(timeout).pollInterval(Duration.ofMillis(10))
        .until(() -> events.any(p) || events.done.isDone());
    return first(p).orElseThrow(() -> new AssertionError(
        "plan " + planId + " ended without " + what + "; events:\n" + describe(events.list)));
  }

  List<PlanEvent> awaitEnd(long seconds) throws Exception {
    return events.awaitEnd(seconds);
  }

  PlanStatus status() {
    return api.call().getPlan(GetPlanRequest.newBuilder().setPlanId(planId).build()).getStatus();
  }

  Optional<PlanEvent> first(Predicate<PlanEvent> p) {
    return events.list.stream().filter(p).findFirst();
  }

  /** Task id to its number of TaskSucceeded events. */
  Map<String, Long> successes() {
    return events.list.stream().filter(PlanEvent::hasTaskSucceeded)
        .collect(Collectors.groupingBy(e -> e.getTaskSucceeded().getTaskId(), TreeMap::new, Collectors.counting()));
  }

  /** Instance id to its number of TaskDelegated events. */
  Map<String, Long> delegationsPerInstance() {
    return events.list.stream().filter(PlanEvent::hasTaskDelegated)
        .collect(Collectors.groupingBy(e -> e.getTaskDelegated().getInstanceId(), TreeMap::new, Collectors.counting()));
  }

  static Instant time(PlanEvent e) {
    return Instant.ofEpochSecond(e.getTime().getSeconds(), e.getTime().getNanos());
  }

  static long millisBetween(Instant from, PlanEvent to) {
    return Duration.between(from, time(to)).toMillis();
  }

  /** One line per event, for failure messages. */
  static String describe(List<PlanEvent> events) {
    StringBuilder out = new StringBuilder();
    for (PlanEvent e : events) {
      if (!e.hasTaskProgress()) {
        out.append(e.getSequence()).append(' ').append(time(e)).append(' ')
            .append(e.toString().replaceAll("\\s+", " ").replaceFirst("plan_id: \"[^\"]*\" sequence: \\d+ time \\{[^}]*\\}", ""))
            .append('\n');
      }
    }
    return out.toString();
  }
}
