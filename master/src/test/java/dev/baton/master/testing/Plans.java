package dev.baton.master.testing;

import dev.baton.master.plan.PlanModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds {@link PlanModel.Plan}s directly, so the engine's tests do not depend on the plan compiler. */
public final class Plans {
  private final String name;
  private PlanModel.Strategy strategy = PlanModel.Strategy.PARALLEL;
  private PlanModel.DelegationPolicy policy = PlanModel.DelegationPolicy.SCORE;
  private PlanModel.RetryPolicy retry = new PlanModel.RetryPolicy(2, Duration.ofSeconds(1), Duration.ofMinutes(1));
  private Optional<Duration> deadline = Optional.empty();
  private PlanModel.FailureHandling failureHandling = PlanModel.FailureHandling.FAILOVER;
  private final List<PlanModel.Task> tasks = new ArrayList<>();
  private final List<PlanModel.SyncPoint> syncPoints = new ArrayList<>();

  private Plans(String name) {
    this.name = name;
  }

  public static Plans plan(String name) {
    return new Plans(name);
  }

  public Plans strategy(PlanModel.Strategy s) {
    this.strategy = s;
    return this;
  }

  public Plans policy(PlanModel.DelegationPolicy p) {
    this.policy = p;
    return this;
  }

  public Plans retries(int maxRetries) {
    this.retry = new PlanModel.RetryPolicy(maxRetries, Duration.ofSeconds(1), Duration.ofMinutes(1));
    return this;
  }

  public Plans failureHandling(PlanModel.FailureHandling f) {
    this.failureHandling = f;
    return this;
  }

  public Plans deadline(Duration d) {
    this.deadline = Optional.of(d);
    return this;
  }

  public Plans task(String id, String domain, int minutes, String... dependsOn) {
    return task(id, domain, minutes, PlanModel.Simulation.NONE, dependsOn);
  }

  public Plans task(String id, String domain, int minutes, PlanModel.Simulation sim, String... dependsOn) {
    tasks.add(new PlanModel.Task(id, tasks.size(), "Build the " + id.replace('-', ' '), domain,
        new PlanModel.Routing(domain, "named by the plan", true, 1.0), Optional.empty(),
        Duration.ofMinutes(minutes), PlanModel.Priority.MEDIUM, List.of(dependsOn), List.of(), List.of(),
        List.of(id + ".md"), Optional.empty(), Duration.ofMinutes(30), sim));
    return this;
  }

  public Plans sync(String name, PlanModel.SyncMode mode, List<String> participants, List<String> after,
      List<String> before) {
    syncPoints.add(new PlanModel.SyncPoint(name, participants, after, before, mode,
        List.of(PlanModel.Check.API_CONTRACT), Duration.ofMinutes(2)));
    return this;
  }

  /** A sync point built by the test, e.g. with its own checks and mediation. */
  public Plans sync(PlanModel.SyncPoint point) {
    syncPoints.add(point);
    return this;
  }

  public PlanModel.Plan build() {
    Map<String, List<String>> prereq = new HashMap<>();
    for (PlanModel.Task t : tasks) {
      prereq.put(t.id(), new ArrayList<>(t.dependsOn()));
    }
    for (PlanModel.SyncPoint sp : syncPoints) {
      sp.before().forEach(b -> prereq.get(b).addAll(sp.after()));
    }
    Map<String, Integer> level = new HashMap<>();
    boolean changed = true;
    while (changed) {
      changed = false;
      for (PlanModel.Task t : tasks) {
        int l = 0;
        for (String p : prereq.get(t.id())) {
          l = Math.max(l, level.getOrDefault(p, 0) + 1);
        }
        if (!Integer.valueOf(l).equals(level.get(t.id()))) {
          level.put(t.id(), l);
          changed = true;
        }
      }
    }
    int max = level.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    List<PlanModel.Level> levels = new ArrayList<>();
    for (int l = 0; l <= max; l++) {
      List<String> ids = new ArrayList<>();
      LinkedHashSet<String> domains = new LinkedHashSet<>();
      for (PlanModel.Task t : tasks) {
        if (level.get(t.id()) == l) {
          ids.add(t.id());
          domains.add(t.domain());
        }
      }
      levels.add(new PlanModel.Level(l, ids, List.copyOf(domains)));
    }
    double sequential = tasks.stream().mapToDouble(PlanModel.Task::estimateMinutes).sum();
    PlanModel.Analysis analysis = new PlanModel.Analysis(new PlanModel.DomainAnalysis(0, 0, 0, 0, 0, 0),
        List.of(), levels, List.of(), sequential, sequential, sequential);
    return new PlanModel.Plan(name, "test plan " + name, strategy, PlanModel.SyncMode.TIGHT,
        failureHandling, policy, deadline,
        new PlanModel.Context("Test project", List.of("Java"), List.of("REST"), List.of("fast")),
        List.copyOf(tasks), List.copyOf(syncPoints), retry, analysis);
  }

  public static PlanModel.Simulation failFirst(int n) {
    return new PlanModel.Simulation(n, false, Map.of());
  }

  public static PlanModel.Simulation hang() {
    return new PlanModel.Simulation(0, true, Map.of());
  }
}
