package dev.baton.runtime.execution;

import com.google.protobuf.Timestamp;
import dev.baton.runtime.droid.DroidExecutor;
import dev.baton.runtime.droid.DroidOutcome;
import dev.baton.runtime.droid.DroidTask;
import dev.baton.runtime.droid.ProgressListener;
import dev.baton.runtime.droid.RunOptions;
import dev.baton.runtime.droid.RunningDroid;
import dev.baton.runtime.droid.Usages;
import dev.baton.runtime.droid.definition.DroidDefinition;
import dev.baton.runtime.policy.Redactor;
import dev.baton.runtime.server.BatonException;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DelegationResult;
import dev.baton.v1.DelegationStatus;
import dev.baton.v1.DroidEvent;
import dev.baton.v1.ExecutionMetrics;
import dev.baton.v1.ExecutionState;
import dev.baton.v1.ExecutionUpdate;
import dev.baton.v1.HeldExecution;
import dev.baton.v1.ListDroidEventsResponse;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.Usage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts delegations, runs at most {@code maxConcurrentTasks} of them at once on their droids, and
 * queues the rest by priority then arrival.
 *
 * <p>Idempotent on (plan, task, attempt): the master may repeat a Delegate whose response it lost
 * and gets the same execution back. One lock guards all state and the delivery of updates, so every
 * watcher sees one execution's updates in the order they happened. A droid outcome is handled on
 * the thread that completes it (a droid must not hold its own locks then), or on the injected
 * callback executor when the droid finished synchronously, so it cannot re-enter a half-done
 * transition.
 *
 * <p>A cancelled running execution turns CANCELLED at once but keeps its slot until its droid has
 * really stopped, so the process tree being killed still counts against max_concurrent_tasks.
 */
public final class ExecutionManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExecutionManager.class);

  /**
   * @param maxConcurrentTasks droids running at once (>= 1)
   * @param retention how long a finished execution stays watchable
   * @param maxRetained finished executions kept at most, oldest dropped first
   * @param loadWindow span of the sliding window for failure rate and completion time
   */
  public record Settings(
      String instanceId, int maxConcurrentTasks, Duration retention, int maxRetained, Duration loadWindow) {
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);
    public static final int DEFAULT_MAX_RETAINED = 2_000;
    public static final Duration DEFAULT_LOAD_WINDOW = Duration.ofMinutes(10);

    public Settings {
      Objects.requireNonNull(instanceId, "instanceId");
      if (maxConcurrentTasks < 1) {
        throw new IllegalArgumentException("maxConcurrentTasks: " + maxConcurrentTasks + " (expected: >= 1)");
      }
      if (retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException("retention: " + retention + " (expected: > 0)");
      }
      if (maxRetained < 1) {
        throw new IllegalArgumentException("maxRetained: " + maxRetained + " (expected: >= 1)");
      }
      if (loadWindow.isNegative() || loadWindow.isZero()) {
        throw new IllegalArgumentException("loadWindow: " + loadWindow + " (expected: > 0)");
      }
    }

    public static Settings of(String instanceId, int maxConcurrentTasks) {
      return new Settings(instanceId, maxConcurrentTasks, DEFAULT_RETENTION, DEFAULT_MAX_RETAINED, DEFAULT_LOAD_WINDOW);
    }
  }

  /**
   * Runner kinds every instance has. A task with a command always runs on "command"; any other on
   * the package's runner (the plan's spec.runner, {@code baton demo --runner}), else its droid's
   * definition's runner, else the instance's default runner ("sim" unless configured).
   */
  public static final String SIM = "sim";
  public static final String COMMAND = "command";

  private record Key(String planId, String taskId, int attempt) {}

  private final Settings settings;
  private final Clock clock;
  private final DroidSelector selector;
  private final Map<String, DroidExecutor> executors;
  private final Function<String, DroidDefinition> definitions;
  private final String defaultRunner;
  private final Executor callbacks;
  private final LoadWindow window;
  private final PolicyGate gate;
  private final Redactor redactor;

  private final Map<String, Execution> byId = new HashMap<>();
  private final Map<Key, Execution> byKey = new HashMap<>();
  private final TreeSet<Execution> queue = new TreeSet<>(Execution.QUEUE_ORDER);
  private final Deque<Execution> finished = new ArrayDeque<>();
  private int busySlots;
  private long seq;
  private long completedCount;
  private long failedCount;
  private double costTotal;
  private long tokensTotal;
  private boolean closed;

  public ExecutionManager(
      Settings settings,
      Clock clock,
      DroidSelector selector,
      Map<String, DroidExecutor> executors,
      Executor callbacks) {
    this(settings, clock, selector, executors, name -> DroidDefinition.builtIn(name, "", List.of()), SIM, callbacks);
  }

  /**
   * @param executors the enabled runners by kind; "sim" and "command" are required
   * @param definitions a droid's definition by name (the instance's pool)
   * @param defaultRunner the runner of droids whose definition names none
   */
  public ExecutionManager(
      Settings settings,
      Clock clock,
      DroidSelector selector,
      Map<String, DroidExecutor> executors,
      Function<String, DroidDefinition> definitions,
      String defaultRunner,
      Executor callbacks) {
    this(settings, clock, selector, executors, definitions, defaultRunner, callbacks, PolicyGate.permissive(),
        Redactor.patternsOnly());
  }

  /**
   * @param gate the droid policy: refuses forbidden delegations at {@link #delegate}, and decides
   *     each task's environment and network
   * @param redactor applied to droid events, progress messages and results before they are kept or
   *     sent: nothing this manager hands out carries a secret it knows of
   */
  public ExecutionManager(
      Settings settings,
      Clock clock,
      DroidSelector selector,
      Map<String, DroidExecutor> executors,
      Function<String, DroidDefinition> definitions,
      String defaultRunner,
      Executor callbacks,
      PolicyGate gate,
      Redactor redactor) {
    this.gate = Objects.requireNonNull(gate, "gate");
    this.redactor = Objects.requireNonNull(redactor, "redactor");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.selector = Objects.requireNonNull(selector, "selector");
    this.executors = Map.copyOf(executors);
    this.definitions = Objects.requireNonNull(definitions, "definitions");
    this.defaultRunner = Objects.requireNonNull(defaultRunner, "defaultRunner");
    this.callbacks = Objects.requireNonNull(callbacks, "callbacks");
    if (!this.executors.containsKey(defaultRunner)) {
      throw new IllegalArgumentException("defaultRunner: '" + defaultRunner + "' (expected: an enabled runner, one of "
          + String.join(", ", new TreeSet<>(this.executors.keySet())) + ")");
    }
    for (String kind : List.of(SIM, COMMAND)) {
      if (!this.executors.containsKey(kind)) {
        throw new IllegalArgumentException("executors: missing '" + kind + "' (expected: sim and command)");
      }
    }
    this.window = new LoadWindow(clock, settings.loadWindow(), 100);
  }

  /** Accepts a delegation, or returns the execution already accepted for its (plan, task, attempt). */
  public Admission delegate(DelegationPackage delegation) {
    return delegate(delegation, io.opentelemetry.context.Context.root(), "");
  }

  /**
   * Like {@link #delegate(DelegationPackage)}; a new execution's {@code execute} span is a child of
   * {@code parent} (the master's delegation span, from the request's trace context).
   */
  public synchronized Admission delegate(DelegationPackage delegation, io.opentelemetry.context.Context parent,
      String domain) {
    validate(delegation);
    prune();
    Key key = new Key(delegation.getPlanId(), delegation.getTaskId(), delegation.getAttempt());
    Execution existing = byKey.get(key);
    if (existing != null) {
      return admission(existing, false);
    }
    if (closed) {
      throw BatonException.unavailable(
          "instance " + settings.instanceId() + " is shutting down (delegate to another instance)");
    }
    String droid = selector.select(delegation);
    // Before anything runs or is queued: a refused delegation leaves no execution behind.
    DroidDefinition chosen = definitions.apply(droid);
    RunOptions options = gate.admit(delegation, droid, chosen, runnerOf(delegation, chosen));
    Execution execution =
        new Execution(settings.instanceId() + "/" + (++seq), delegation, droid, seq, clock.instant());
    execution.options = options;
    execution.span = ExecutionSpans.startExecute(parent, delegation, settings.instanceId(), domain, execution.id);
    byId.put(execution.id, execution);
    byKey.put(key, execution);
    if (busySlots < settings.maxConcurrentTasks()) {
      start(execution);
    } else {
      queue.add(execution);
      execution.message = "waiting for a free slot (" + settings.maxConcurrentTasks() + " running)";
      refreshQueuePositions(execution);
    }
    return admission(execution, true);
  }

  /**
   * Streams an execution's updates to the watcher: the current one at once, then each change; ends
   * after the terminal one (at once for an execution already finished). Returns the unsubscribe.
   */
  public synchronized Runnable watch(String executionId, ExecutionWatcher watcher) {
    Execution execution = find(executionId);
    watcher.onUpdate(execution.lastUpdate);
    if (execution.terminal()) {
      watcher.onEnd();
      return () -> {};
    }
    execution.watchers.add(watcher);
    return () -> {
      synchronized (this) {
        execution.watchers.remove(watcher);
      }
    };
  }

  /** Cancels a queued or running execution; returns its state afterwards. Idempotent. */
  public ExecutionState cancel(String executionId, String reason) {
    String why = reason == null || reason.isBlank() ? "cancelled by request" : reason;
    RunningDroid toStop;
    synchronized (this) {
      Execution execution = find(executionId);
      if (execution.terminal()) {
        return execution.state;
      }
      if (execution.state == ExecutionState.EXECUTION_STATE_QUEUED) {
        queue.remove(execution);
        finish(execution, DroidOutcome.cancelled("cancelled while queued: " + why));
        refreshQueuePositions(null);
        return execution.state;
      }
      toStop = execution.run;
      finish(execution, DroidOutcome.cancelled("cancelled: " + why));
    }
    // Outside the lock: killing a process tree must not hold up every other call.
    if (toStop != null) {
      toStop.cancel(why);
    }
    return ExecutionState.EXECUTION_STATE_CANCELLED;
  }

  /** The latest update of an execution (NOT_FOUND if unknown or expired). */
  public synchronized ExecutionUpdate current(String executionId) {
    return find(executionId).lastUpdate;
  }

  /** Load now, for heartbeats and Describe. */
  public synchronized LoadMetrics load() {
    return LoadMetrics.newBuilder()
        .setCurrentTasks(busySlots)
        .setQueueLength(queue.size())
        .setMaxConcurrentTasks(settings.maxConcurrentTasks())
        .setRecentFailureRate(window.failureRate())
        .setAvgCompletionTimeSeconds(window.averageCompletionSeconds())
        .setCompletedTasks(completedCount)
        .setFailedTasks(failedCount)
        .setCostUsdTotal(costTotal)
        .setTokensTotal(tokensTotal)
        .build();
  }

  /**
   * Pages an execution's droid events: up to {@code limit} (1..1000, 0 for 200) with index > after.
   */
  public synchronized ListDroidEventsResponse events(String executionId, long after, int limit) {
    if (limit < 0 || limit > 1_000) {
      throw BatonException.invalidArgument("limit: " + limit + " (expected: 1..1000, or 0 for 200)");
    }
    if (after < 0) {
      throw BatonException.invalidArgument("after: " + after + " (expected: >= 0, an event index)");
    }
    Execution execution = find(executionId);
    return ListDroidEventsResponse.newBuilder()
        .addAllEvents(execution.events.after(after, limit == 0 ? 200 : limit))
        .setLastIndex(execution.events.lastIndex())
        .setDroppedThrough(execution.events.droppedThrough())
        .build();
  }

  /** The runners this instance can run, sorted. */
  public List<String> runners() {
    return List.copyOf(new TreeSet<>(executors.keySet()));
  }

  /** Tasks of the plan this instance finished successfully (latest attempt each), in finishing order. */
  public synchronized List<FinishedTask> finishedTasks(String planId) {
    Map<String, FinishedTask> byTask = new LinkedHashMap<>();
    for (Execution e : finished) {
      if (e.delegation.getPlanId().equals(planId)
          && e.state == ExecutionState.EXECUTION_STATE_SUCCEEDED) {
        byTask.remove(e.delegation.getTaskId());
        Map<String, String> declared = new HashMap<>();
        e.delegation.getPublishesMap().forEach((kind, path) -> declared.put(path, kind));
        byTask.put(e.delegation.getTaskId(), new FinishedTask(planId, e.delegation.getTaskId(),
            e.delegation.getAttempt(), e.droid, e.result.getDeliverablesList(), declared));
      }
    }
    return List.copyOf(byTask.values());
  }

  public int maxConcurrentTasks() {
    return settings.maxConcurrentTasks();
  }

  /**
   * What this instance holds, as reported to a master on (re-)registration so a new leader can
   * reconcile: at most {@code limit} entries, the queued and running executions first (in
   * acceptance order), then the finished ones still retained, most recently finished first.
   * Finished executions stay for {@link Settings#retention} (default 1 h) and at most
   * {@link Settings#maxRetained} (default 2,000), whether or not a master is connected: a
   * take-over of seconds to minutes finds every result of the outage here.
   */
  public synchronized Held held(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
    prune();
    List<HeldExecution> out = new ArrayList<>();
    byId.values().stream()
        .filter(e -> !e.terminal())
        .sorted(java.util.Comparator.comparingLong((Execution e) -> e.seq))
        .limit(limit)
        .forEach(e -> out.add(held(e)));
    for (Iterator<Execution> it = finished.descendingIterator(); it.hasNext() && out.size() < limit; ) {
      out.add(held(it.next()));
    }
    long all = byId.values().stream().filter(e -> !e.terminal()).count() + finished.size();
    return new Held(List.copyOf(out), all > out.size());
  }

  /**
   * The executions {@link #held} reports.
   *
   * @param truncated true when the limit left some out
   */
  public record Held(List<HeldExecution> executions, boolean truncated) {}

  private HeldExecution held(Execution e) {
    HeldExecution.Builder b = HeldExecution.newBuilder()
        .setExecutionId(e.id)
        .setPlanId(e.delegation.getPlanId())
        .setTaskId(e.delegation.getTaskId())
        .setAttempt(e.delegation.getAttempt())
        .setState(e.state)
        .setDroid(e.droid)
        .setAcceptedAt(timestamp(e.acceptedAt));
    if (e.startedAt != null) {
      b.setStartedAt(timestamp(e.startedAt));
    }
    if (e.finishedAt != null) {
      b.setFinishedAt(timestamp(e.finishedAt));
    }
    return b.build();
  }

  /** Refuses new work and cancels everything queued or running. */
  @Override
  public void close() {
    List<String> open;
    synchronized (this) {
      closed = true;
      open = byId.values().stream().filter(e -> !e.terminal()).map(e -> e.id).toList();
    }
    for (String id : open) {
      cancel(id, "instance " + settings.instanceId() + " is shutting down");
    }
  }

  private void start(Execution execution) {
    busySlots++;
    execution.state = ExecutionState.EXECUTION_STATE_RUNNING;
    execution.queuePosition = 0;
    execution.startedAt = clock.instant();
    execution.message = "running on droid " + execution.droid;
    publish(execution);
    DroidDefinition definition = definitions.apply(execution.droid);
    String kind = runnerOf(execution.delegation, definition);
    execution.runner = kind;
    execution.droidSpan = ExecutionSpans.startDroid(execution.span, kind, execution.delegation.getTaskId(), execution.droid);
    DroidExecutor executor = executors.get(kind);
    RunningDroid run;
    // The droid span is current while the droid starts: log lines of the start carry its ids.
    try (var scope = ExecutionSpans.current(execution.droidSpan)) {
      log.debug("task {} attempt {}: {} droid {} starting ({})", execution.delegation.getTaskId(),
          execution.delegation.getAttempt(), kind, execution.droid, execution.id);
      if (executor == null) {
        run = failedRun("runner '" + kind + "' is not enabled on " + settings.instanceId() + " (enabled: "
            + String.join(", ", runners()) + "; enable it on the sub-orchestrator, or choose another runner)");
      } else {
        try {
          DroidTask task = new DroidTask(execution.delegation, execution.droid, definition, null, "", execution.options);
          run = executor.start(task,
              new ProgressListener() {
                @Override
                public void progress(double fraction, String message) {
                  onProgress(execution, fraction, message);
                }

                @Override
                public void event(DroidEvent event) {
                  onEvent(execution, event);
                }
              });
        } catch (RuntimeException e) {
          log.warn("{} droid failed to start task {}", kind, execution.delegation.getTaskId(), e);
          run = failedRun(kind + " droid could not start: " + e.getMessage());
        }
      }
    }
    execution.run = run;
    // The outcome is handled on the thread that completes it (no hop per task), except when it is
    // complete while this method still runs (a droid that finished synchronously): then on the
    // callback executor, so it cannot re-enter this half-done transition on the same thread.
    AtomicBoolean starting = new AtomicBoolean(true);
    run.outcome().whenComplete((outcome, error) -> {
      if (starting.get()) {
        callbacks.execute(() -> onOutcome(execution, outcome, error));
      } else {
        onOutcome(execution, outcome, error);
      }
    });
    starting.set(false);
  }

  private synchronized void onProgress(Execution execution, double fraction, String message) {
    if (execution.state != ExecutionState.EXECUTION_STATE_RUNNING) {
      return;
    }
    execution.progress = Math.max(0, Math.min(1, fraction));
    execution.message = redactor.redact(message);
    publish(execution);
  }

  private synchronized void onEvent(Execution execution, DroidEvent event) {
    if (execution.terminal()) {
      return;
    }
    DroidEvent kept = execution.events.append(redactor.redact(event), clock.instant());
    publish(execution, List.of(kept));
  }

  /** Which runner carries out the delegation: see {@link #SIM}. */
  private String runnerOf(DelegationPackage delegation, DroidDefinition definition) {
    if (delegation.hasCommand()) {
      return COMMAND;
    }
    if (!delegation.getRunner().isEmpty()) {
      return delegation.getRunner();
    }
    if (!definition.runner().isEmpty()) {
      return definition.runner();
    }
    return defaultRunner;
  }

  private synchronized void onOutcome(Execution execution, DroidOutcome outcome, Throwable error) {
    busySlots--;
    if (!execution.terminal()) {
      finish(execution, error != null ? DroidOutcome.failed("droid crashed: " + error) : outcome);
    }
    if (closed) {
      return;
    }
    boolean started = false;
    while (busySlots < settings.maxConcurrentTasks() && !queue.isEmpty()) {
      start(queue.pollFirst());
      started = true;
    }
    if (started) {
      refreshQueuePositions(null);
    }
  }

  private void finish(Execution execution, DroidOutcome outcome) {
    Instant now = clock.instant();
    execution.finishedAt = now;
    execution.state =
        switch (outcome.status()) {
          case DELEGATION_STATUS_SUCCEEDED, DELEGATION_STATUS_DEGRADED -> ExecutionState.EXECUTION_STATE_SUCCEEDED;
          case DELEGATION_STATUS_CANCELLED -> ExecutionState.EXECUTION_STATE_CANCELLED;
          default -> ExecutionState.EXECUTION_STATE_FAILED;
        };
    if (execution.state == ExecutionState.EXECUTION_STATE_SUCCEEDED) {
      execution.progress = 1;
    }
    execution.queuePosition = 0;
    execution.message = redactor.redact(outcome.message());
    long queuedMillis = Duration.between(execution.acceptedAt,
        execution.startedAt != null ? execution.startedAt : now).toMillis();
    long runMillis = execution.startedAt == null ? 0 : Duration.between(execution.startedAt, now).toMillis();
    Usage usage = outcome.usage().equals(Usage.getDefaultInstance()) ? execution.events.usage() : outcome.usage();
    DelegationResult.Builder result = outcome.details().toBuilder();
    result.setUsage(usage)
        .setSessionId(outcome.sessionId())
        .setBudgetExceeded(outcome.budgetExceeded())
        .setRunner(execution.runner);
    execution.result =
        result
            .setStatus(outcome.status())
            .addAllDeliverables(outcome.deliverables())
            .setMetrics(ExecutionMetrics.newBuilder()
                .setQueuedMillis(queuedMillis)
                .setRunMillis(runMillis)
                .setExitCode(outcome.exitCode())
                .setOutputBytes(outcome.outputBytes())
                .setOutputTruncated(outcome.outputTruncated()))
            .addAllIssues(outcome.issues())
            .setExecutionId(execution.id)
            .setDroid(execution.droid)
            .setOutputTail(outcome.outputTail())
            .build();
    // Output tails, issues, verify output, deliverables (the documents peers get): all redacted here.
    execution.result = redactor.redact(execution.result);
    costTotal += usage.getCostUsd();
    tokensTotal += Usages.tokens(usage);
    if (outcome.status() == DelegationStatus.DELEGATION_STATUS_FAILED) {
      failedCount++;
      window.record(true, runMillis);
    } else if (execution.state == ExecutionState.EXECUTION_STATE_SUCCEEDED) {
      completedCount++;
      window.record(false, runMillis);
    }
    finished.addLast(execution);
    ExecutionSpans.end(execution.droidSpan, execution.span, execution.state, execution.result, usage, execution.message);
    publish(execution);
  }

  private void publish(Execution execution) {
    publish(execution, List.of());
  }

  /**
   * Sends the execution's state to its watchers, with the droid events that are new since the last
   * update; the kept {@code lastUpdate} (what a late watcher gets first) carries none.
   */
  private void publish(Execution execution, List<DroidEvent> newEvents) {
    ExecutionUpdate.Builder update =
        ExecutionUpdate.newBuilder()
            .setExecutionId(execution.id)
            .setTaskId(execution.delegation.getTaskId())
            .setAttempt(execution.delegation.getAttempt())
            .setState(execution.state)
            .setProgress(execution.progress)
            .setMessage(execution.message)
            .setQueuePosition(execution.queuePosition)
            .setDroid(execution.droid)
            .setTime(timestamp(clock.instant()))
            .setInstanceId(settings.instanceId());
    if (execution.result != null) {
      update.setResult(execution.result);
    }
    if (execution.events.lastIndex() > 0) {
      update.setUsage(execution.events.usage());
    }
    execution.lastUpdate = update.build();
    ExecutionUpdate sent = newEvents.isEmpty() ? execution.lastUpdate : update.addAllEvents(newEvents).build();
    for (Iterator<ExecutionWatcher> it = execution.watchers.iterator(); it.hasNext(); ) {
      ExecutionWatcher watcher = it.next();
      try {
        watcher.onUpdate(sent);
        if (execution.terminal()) {
          watcher.onEnd();
        }
      } catch (RuntimeException e) {
        log.debug("dropping a watcher of {} that failed", execution.id, e);
        it.remove();
      }
    }
    if (execution.terminal()) {
      execution.watchers.clear();
    }
  }

  /** Renumbers the queue and publishes to every queued execution whose place changed. */
  private void refreshQueuePositions(Execution fresh) {
    int position = 0;
    for (Execution queued : queue) {
      position++;
      if (queued.queuePosition != position || queued == fresh) {
        queued.queuePosition = position;
        publish(queued);
      }
    }
  }

  private Admission admission(Execution execution, boolean created) {
    return new Admission(execution.id, execution.state, execution.queuePosition, created);
  }

  private Execution find(String executionId) {
    Execution execution = byId.get(executionId);
    if (execution == null) {
      throw BatonException.notFound(
          "execution '" + executionId + "' is unknown on " + settings.instanceId()
              + " (finished executions are kept for " + settings.retention() + "; delegate again)");
    }
    return execution;
  }

  private void prune() {
    Instant oldest = clock.instant().minus(settings.retention());
    while (!finished.isEmpty()
        && (finished.size() > settings.maxRetained() || finished.peekFirst().finishedAt.isBefore(oldest))) {
      Execution gone = finished.removeFirst();
      byId.remove(gone.id);
      byKey.remove(new Key(gone.delegation.getPlanId(), gone.delegation.getTaskId(), gone.delegation.getAttempt()));
    }
  }

  private static void validate(DelegationPackage delegation) {
    if (delegation.getPlanId().isBlank()) {
      throw BatonException.invalidArgument("package.plan_id: empty (expected: the plan's id)");
    }
    if (delegation.getTaskId().isBlank()) {
      throw BatonException.invalidArgument("package.task_id: empty (expected: the task's id)");
    }
    if (delegation.getAttempt() < 1) {
      throw BatonException.invalidArgument(
          "package.attempt: " + delegation.getAttempt() + " (expected: >= 1; 1 is the first try)");
    }
    if (delegation.hasCommand() && delegation.getCommand().getRun().isBlank()) {
      throw BatonException.invalidArgument("package.command.run: empty (expected: a shell command)");
    }
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  private static RunningDroid failedRun(String message) {
    CompletableFuture<DroidOutcome> done = CompletableFuture.completedFuture(DroidOutcome.failed(message));
    return new RunningDroid() {
      @Override
      public CompletableFuture<DroidOutcome> outcome() {
        return done;
      }

      @Override
      public void cancel(String reason) {}
    };
  }
}
