package dev.baton.master.metrics;

import dev.baton.master.events.PlanStore;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskState;
import dev.baton.v1.TaskStatus;
import dev.baton.v1.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The master's task, delegation, sync-point, conflict, droid-usage and plan series, derived from
 * the plan events this master appends ({@link ObservedPlanStore}): the events say everything, so
 * the engine needs no meter of its own, and a series can never disagree with what WatchPlan shows.
 *
 * <p>A task's state after an event is read back from the store (the reducer is the one authority
 * on states); its domain is its orchestrator. Plans this master did not accept (it took over, or
 * restarted on a journal) are learnt from their status on their first event here. Times are the
 * events' own, so the histograms are exact under a manual clock.
 *
 * <p>Thread-safety: {@link #onEvent} is synchronized; appends come from the engine's scheduler
 * thread and, rarely, from gRPC threads, and each costs a few map operations. Memory is bounded by
 * the plans running: everything of a plan is dropped at its PlanFinished.
 */
public final class PlanEventMeters {
  /** A task's place in the gauges. */
  private record Tracked(String domain, String state) {}

  /** What is kept per running plan. */
  private static final class Run {
    final Map<String, Tracked> tasks = new HashMap<>();
    /** "task/attempt" -> when it was delegated (ms since the epoch). */
    final Map<String, Long> delegatedAt = new HashMap<>();
    /** "task/attempt" -> the attempt's usage so far (droids report running totals). */
    final Map<String, Usage> attemptUsage = new HashMap<>();
    Long acceptedAt;
  }

  private final MeterRegistry registry;
  private final PlanStore store;
  private final Map<String, Run> runs = new HashMap<>();
  /** "domain/state" -> tasks of running plans in that state, behind the {@code baton_tasks} gauges. */
  private final Map<String, AtomicLong> counts = new HashMap<>();
  /** Domains whose droid counters exist (registered at 0 when a domain is first seen). */
  private final java.util.Set<String> domains = new java.util.HashSet<>();
  private static final List<String> TOKEN_KINDS = List.of("input", "output", "cache_read", "cache_write");

  /**
   * @param store where the state a task has after an event is read (the store the events go to)
   */
  public PlanEventMeters(MeterRegistry registry, PlanStore store) {
    this.registry = registry;
    this.store = store;
  }

  /** Records what {@code e} (as stored: with its time and sequence) says. */
  public synchronized void onEvent(PlanEvent e) {
    String planId = e.getPlanId();
    long at = e.getTime().getSeconds() * 1000 + e.getTime().getNanos() / 1_000_000;
    if (e.hasPlanAccepted()) {
      Run run = runs.computeIfAbsent(planId, id -> new Run());
      run.acceptedAt = at;
      for (TaskStatus t : e.getPlanAccepted().getTasksList()) {
        move(run, t.getId(), t.getOrchestrator(), t.getState());
      }
      return;
    }
    Run run = runs.get(planId);
    if (run == null) {
      // A plan this master took over: its tasks as the store has them, this event included.
      run = new Run();
      runs.put(planId, run);
      store.status(planId).ifPresent(this::seed);
      run = runs.get(planId);
    }
    switch (e.getKindCase()) {
      case TASK_DELEGATED -> {
        var d = e.getTaskDelegated();
        run.delegatedAt.put(d.getTaskId() + "/" + d.getAttempt(), at);
      }
      case TASK_STARTED -> {
        var s = e.getTaskStarted();
        Long since = run.delegatedAt.get(s.getTaskId() + "/" + s.getAttempt());
        if (since != null) {
          delegation(run, s.getTaskId(), "accepted").record(Duration.ofMillis(Math.max(0, at - since)));
        }
      }
      case TASK_SUCCEEDED -> {
        var s = e.getTaskSucceeded();
        ended(run, s.getTaskId(), s.getAttempt(), at, s.getResult().hasUsage() ? s.getResult().getUsage() : null);
      }
      case TASK_FAILED -> {
        var f = e.getTaskFailed();
        ended(run, f.getTaskId(), f.getAttempt(), at, f.getResult().hasUsage() ? f.getResult().getUsage() : null);
      }
      case TASK_DROID_EVENTS -> {
        var d = e.getTaskDroidEvents();
        if (d.hasUsage()) {
          spend(run, d.getTaskId(), d.getAttempt(), d.getUsage());
        }
      }
      case TASK_ADDED -> {
        TaskStatus t = e.getTaskAdded().getTask();
        move(run, t.getId(), t.getOrchestrator(), t.getState());
      }
      case SYNC_POINT_CHECKED -> {
        for (var c : e.getSyncPointChecked().getConflictsList()) {
          Counter.builder("baton.conflicts").description("Conflicts found by the checks of sync points")
              .tag("check", label(c.getCheck())).register(registry).increment();
        }
      }
      case SYNC_POINT_RELEASED -> {
        var r = e.getSyncPointReleased().getResult();
        Timer.builder("baton.sync.point.duration")
            .description("From a sync point's first arrival to its release")
            .tag("mode", label(r.getMode())).serviceLevelObjectives(Buckets.SYNC_POINT)
            .register(registry).record(Duration.ofMillis(Math.max(0, r.getDurationMs())));
      }
      case PLAN_FINISHED -> {
        String state = word(e.getPlanFinished().getState().name(), "PLAN_STATE_");
        Counter.builder("baton.plans.finished").description("Plans finished, by final state")
            .tag("state", state).register(registry).increment();
        if (run.acceptedAt != null) {
          Timer.builder("baton.plan.duration").description("From a plan's acceptance to its end")
              .tag("state", state).serviceLevelObjectives(Buckets.PLAN).register(registry)
              .record(Duration.ofMillis(Math.max(0, at - run.acceptedAt)));
        }
        for (Tracked t : run.tasks.values()) {
          count(t).decrementAndGet();
        }
        runs.remove(planId);
        return;
      }
      default -> { }
    }
    String taskId = dev.baton.master.events.PlanReducer.taskWhoseStateChanges(e);
    if (taskId != null) {
      store.task(planId, taskId).ifPresent(t -> move(runs.get(planId), t.getId(), t.getOrchestrator(), t.getState()));
    } else if (e.hasCheckpointRolledBack() || e.hasRecoveryPerformed()) {
      // These move several tasks at once: read them all again (rare).
      store.status(planId).ifPresent(this::seed);
    }
  }

  private void seed(PlanStatus status) {
    Run run = runs.computeIfAbsent(status.getPlanId(), id -> new Run());
    for (TaskStatus t : status.getTasksList()) {
      move(run, t.getId(), t.getOrchestrator(), t.getState());
    }
  }

  /** The attempt ended: its time to result, its final usage. */
  private void ended(Run run, String taskId, int attempt, long at, Usage usage) {
    Long since = run.delegatedAt.remove(taskId + "/" + attempt);
    if (since != null) {
      delegation(run, taskId, "result").record(Duration.ofMillis(Math.max(0, at - since)));
    }
    if (usage != null) {
      spend(run, taskId, attempt, usage);
    }
    run.attemptUsage.remove(taskId + "/" + attempt);
  }

  /** Droids report an attempt's running total: the counters grow by the difference (never shrink). */
  private void spend(Run run, String taskId, int attempt, Usage total) {
    Usage before = run.attemptUsage.getOrDefault(taskId + "/" + attempt, Usage.getDefaultInstance());
    run.attemptUsage.put(taskId + "/" + attempt, total);
    String domain = domainOf(run, taskId);
    tokens(domain, "input", total.getInputTokens() - before.getInputTokens());
    tokens(domain, "output", total.getOutputTokens() - before.getOutputTokens());
    tokens(domain, "cache_read", total.getCacheReadTokens() - before.getCacheReadTokens());
    tokens(domain, "cache_write", total.getCacheWriteTokens() - before.getCacheWriteTokens());
    double cost = total.getCostUsd() - before.getCostUsd();
    if (cost > 0) {
      cost(domain).increment(cost);
    }
  }

  private void tokens(String domain, String kind, long delta) {
    if (delta > 0) {
      tokens(domain, kind).increment(delta);
    }
  }

  private Counter tokens(String domain, String kind) {
    return Counter.builder("baton.droid.tokens").description("Tokens droids used, by kind")
        .tag("domain", domain).tag("kind", kind).register(registry);
  }

  private Counter cost(String domain) {
    return Counter.builder("baton.droid.cost.usd").description("What droids cost, in US dollars (estimated where the runner reports none)")
        .tag("domain", domain).register(registry);
  }

  /** A domain's droid counters start at 0 when its first task is seen, so that rate() sees the first use. */
  private void domainSeen(String domain) {
    if (domains.add(domain)) {
      TOKEN_KINDS.forEach(kind -> tokens(domain, kind));
      cost(domain);
    }
  }

  private Timer delegation(Run run, String taskId, String phase) {
    return Timer.builder("baton.delegation.latency")
        .description("From a task's delegation to the instance starting it (accepted) or reporting its result (result)")
        .tag("domain", domainOf(run, taskId)).tag("phase", phase).serviceLevelObjectives(Buckets.DELEGATION)
        .register(registry);
  }

  /** Moves a task to {@code state} in the gauges, counting the transition when its state changed. */
  private void move(Run run, String taskId, String domain, TaskState state) {
    Tracked now = new Tracked(label(domain), word(state.name(), "TASK_STATE_"));
    domainSeen(now.domain());
    Tracked before = run.tasks.put(taskId, now);
    if (now.equals(before)) {
      return;
    }
    if (before != null) {
      count(before).decrementAndGet();
    }
    count(now).incrementAndGet();
    Counter.builder("baton.task.transitions").description("Tasks entering a state (each retry enters running again)")
        .tag("domain", now.domain()).tag("state", now.state()).register(registry).increment();
  }

  private AtomicLong count(Tracked t) {
    return counts.computeIfAbsent(t.domain() + "/" + t.state(), k -> {
      AtomicLong n = new AtomicLong();
      Gauge.builder("baton_tasks", n, AtomicLong::get).description("Tasks of the plans this master runs, by state")
          .tag("domain", t.domain()).tag("state", t.state()).strongReference(true).register(registry);
      return n;
    });
  }

  private static String domainOf(Run run, String taskId) {
    Tracked t = run.tasks.get(taskId);
    return t == null ? "unknown" : t.domain();
  }

  /** {@code TASK_STATE_RETRY_WAIT} -> {@code retry_wait}. */
  static String word(String enumName, String prefix) {
    return (enumName.startsWith(prefix) ? enumName.substring(prefix.length()) : enumName).toLowerCase(Locale.ROOT);
  }

  private static String label(String value) {
    return value == null || value.isEmpty() ? "unknown" : value;
  }
}
