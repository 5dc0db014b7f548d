package dev.baton.master.engine;

import dev.baton.master.balance.Policies;
import dev.baton.master.delegation.Delegator;
import dev.baton.master.events.PlanReducer;
import dev.baton.master.events.PlanStore;
import dev.baton.master.plan.PlanModel;
import dev.baton.master.registry.Instance;
import dev.baton.master.registry.Registry;
import dev.baton.master.resilience.Breakers;
import dev.baton.master.resilience.ResilienceConfig;
import dev.baton.master.resilience.RetryRules;
import dev.baton.master.sync.ConflictDetector;
import dev.baton.runtime.server.BatonException;
import dev.baton.v1.PlanAnalysis;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SyncArrival;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's scheduler. One single-threaded executor owns every decision about every plan; gRPC
 * callbacks, timers and registry changes are posted to it, so no decision ever races another. It
 * changes plan state only by appending events to the {@link PlanStore}.
 */
public final class Engine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  private static final long CALL_TIMEOUT_SECONDS = 10;
  /** Taking over a large journal's plans reads every event of each: more than a call's wait. */
  private static final long RESUME_TIMEOUT_SECONDS = 600;

  final PlanStore store;
  final Registry registry;
  final Delegator delegator;
  final ConflictDetector detector;
  final ScheduledExecutorService executor;
  final Clock clock;
  final Random random;
  final EngineSettings settings;
  final Breakers breakers;

  /** The circuit breaker's state on an instance: closed | open | half_open. Any thread. */
  public String breakerState(String instanceId) {
    return breakers.word(instanceId);
  }
  final ResilienceConfig resilience;
  final Policies policies = new Policies();
  final Integrations integrations;
  /** Runs the blocking git calls of every plan's integration branch, one at a time. */
  final java.util.concurrent.ExecutorService git;
  private final InstanceMonitor monitor;
  /** Instances being probed because a watch on them was lost. */
  private final Set<String> probing = new HashSet<>();
  private final Map<String, PlanRun> active = new LinkedHashMap<>();
  /** {@code active.size()} for other threads (metrics). Written on the engine thread. */
  private volatile int activeCount;
  /** Delegations this master has outstanding per instance id, across plans. Engine thread only. */
  private final Map<String, Integer> outstanding = new HashMap<>();
  private final Map<String, Integer> outstandingView = new ConcurrentHashMap<>();
  private final ScheduledFuture<?> ticker;

  /**
   * @param executor single-threaded: it is the scheduler's only thread
   * @param random seeded in tests: plan ids and retry jitter come from it
   * @param breakers the instances' circuit breakers, shared with the delegator
   */
  public Engine(PlanStore store, Registry registry, Delegator delegator, ConflictDetector detector,
      ScheduledExecutorService executor, Clock clock, Random random, EngineSettings settings,
      Breakers breakers, ResilienceConfig resilience) {
    this(store, registry, delegator, detector, executor, clock, random, settings, breakers, resilience,
        Integrations.NONE);
  }

  /** @param integrations the git side of plans with a repository */
  public Engine(PlanStore store, Registry registry, Delegator delegator, ConflictDetector detector,
      ScheduledExecutorService executor, Clock clock, Random random, EngineSettings settings,
      Breakers breakers, ResilienceConfig resilience, Integrations integrations) {
    this.integrations = integrations;
    this.git = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "baton-master-git");
      t.setDaemon(true);
      return t;
    });
    this.store = store;
    this.registry = registry;
    this.delegator = delegator;
    this.detector = detector;
    this.executor = executor;
    this.clock = clock;
    this.random = random;
    this.settings = settings;
    this.breakers = breakers;
    this.resilience = resilience;
    this.monitor = new InstanceMonitor(registry, breakers);
    // The detection time is taken where the breaker opened, before the hop to the scheduler's thread.
    breakers.addListener((id, why) -> {
      Instant at = clock.instant();
      post(() -> instanceFailed(id, why, at));
    });
    registry.addListener(() -> post(this::stepAll));
    long tick = settings.tick().toMillis();
    this.ticker = executor.scheduleWithFixedDelay(() -> guard(this::stepAll), tick, tick, TimeUnit.MILLISECONDS);
  }

  /**
   * Accepts a compiled plan and starts it.
   *
   * @param analysis the plan's analysis as reported in PlanAccepted
   * @param timeScale multiplies plan durations into wall-clock ones, &gt; 0
   * @return the new plan's id
   */
  public String submit(PlanModel.Plan plan, PlanAnalysis analysis, double timeScale) {
    return submit(plan, analysis, timeScale, "").planId();
  }

  /** What a submission did: the plan's id, and whether this call started it. */
  public record Submitted(String planId, boolean created) {}

  /** Submissions remembered by request id, at most. */
  static final int MAX_REQUEST_IDS = 100_000;

  /** Request id -> plan id, oldest first. Scheduler thread only. */
  private final Map<String, String> byRequestId = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > MAX_REQUEST_IDS;
    }
  };

  /**
   * Accepts a compiled plan and starts it, once per {@code requestId}: a request id seen before
   * returns the plan it started (a client retrying a submission whose answer it lost).
   *
   * @param requestId the client's id of the submission, or empty for none
   */
  public Submitted submit(PlanModel.Plan plan, PlanAnalysis analysis, double timeScale, String requestId) {
    return submit(plan, analysis, timeScale, requestId, dev.baton.v1.Caller.getDefaultInstance(), unfinished -> { });
  }

  /**
   * Decides whether a caller may start one more plan, given how many of its plans are unfinished;
   * refuses by throwing (the master's per-caller limit: RESOURCE_EXHAUSTED). Runs on the scheduler
   * thread, so the count and the start that follows are one step: concurrent submissions of one
   * caller cannot both pass the last free place.
   */
  @FunctionalInterface
  public interface Admission {
    void admit(int unfinishedOfCaller);
  }

  /**
   * Like {@link #submit(PlanModel.Plan, PlanAnalysis, double, String)}, recording {@code submitter}
   * on the plan (PlanAccepted.submitted_by, hence PlanStatus.submitted_by) and asking
   * {@code admission} first with the number of the submitter's unfinished plans on this master.
   */
  public Submitted submit(PlanModel.Plan plan, PlanAnalysis analysis, double timeScale, String requestId,
      dev.baton.v1.Caller submitter, Admission admission) {
    if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
      throw BatonException.invalidArgument("time_scale: " + timeScale + " (expected: > 0)");
    }
    if (!requestId.isEmpty() && !requestId.matches("[A-Za-z0-9._:-]{1,128}")) {
      throw BatonException.invalidArgument("request_id: '" + (requestId.length() > 40 ? requestId.substring(0, 40) + "..."
          : requestId) + "' (expected: at most 128 characters of A-Z, a-z, 0-9, '.', '_', ':', '-', e.g. a UUID)");
    }
    // Read on the caller's (gRPC) thread: the submitter's trace, parent of the plan span.
    io.opentelemetry.context.Context traceParent = dev.baton.runtime.telemetry.TraceContext.remoteParent();
    return call(() -> {
      String known = requestId.isEmpty() ? null : byRequestId.get(requestId);
      if (known != null) {
        return new Submitted(known, false);
      }
      int unfinished = 0;
      for (PlanRun r : active.values()) {
        if (r.submitter.getSubject().equals(submitter.getSubject())) {
          unfinished++;
        }
      }
      admission.admit(unfinished);
      String id = start(plan, analysis, timeScale, requestId, submitter, traceParent);
      if (!requestId.isEmpty()) {
        byRequestId.put(requestId, id);
      }
      return new Submitted(id, true);
    });
  }

  /** Starts the plan under a fresh id (scheduler thread). */
  private String start(PlanModel.Plan plan, PlanAnalysis analysis, double timeScale, String requestId,
      dev.baton.v1.Caller submitter, io.opentelemetry.context.Context traceParent) {
    String id = plan.name() + "-" + HexFormat.of().toHexDigits(random.nextInt()).substring(0, 6);
    while (store.status(id).isPresent()) {
      id = plan.name() + "-" + HexFormat.of().toHexDigits(random.nextInt()).substring(0, 6);
    }
    PlanRun run = new PlanRun(this, id, plan, timeScale);
    run.submitter = submitter;
    run.spans.startPlan(traceParent);
    active.put(id, run);
    activeCount = active.size();
    try (var scope = run.spans.logScope()) {
      log.info("plan {} accepted: {} tasks, strategy {}, time scale {}", id, plan.tasks().size(),
          plan.strategy().word(), timeScale);
    }
    run.start(analysis, requestId);
    return id;
  }


  /**
   * Takes over every unfinished plan the store holds (a journal replayed by a new leader, or by
   * this master restarted on it): each resumes where its events left it ({@link PlanRun#resume}).
   * Also remembers the request ids of every plan in the store, so a client retrying a submission
   * across the take-over gets the plan it started. Called once, before any submission.
   *
   * @return the ids of the plans resumed
   */
  public java.util.List<String> resume() {
    return call(RESUME_TIMEOUT_SECONDS, () -> {
      java.util.List<String> resumed = new java.util.ArrayList<>();
      java.util.List<PlanStatus> plans = new java.util.ArrayList<>(store.list());
      java.util.Collections.reverse(plans); // oldest first, as they were submitted
      for (PlanStatus st : plans) {
        if (!st.getRequestId().isEmpty()) {
          byRequestId.put(st.getRequestId(), st.getPlanId());
        }
        if (PlanReducer.isFinished(st.getState()) || active.containsKey(st.getPlanId())) {
          continue; // a finished plan's events are not read at all
        }
        java.util.List<dev.baton.v1.PlanEvent> events = store.read(st.getPlanId(), 0);
        if (events.isEmpty() || !events.get(0).hasPlanAccepted()) {
          continue;
        }
        dev.baton.v1.PlanAccepted accepted = events.get(0).getPlanAccepted();
        if (!accepted.hasPlan()) {
          log.warn("plan {} was journaled without its compiled plan (an older master); it cannot be resumed",
              st.getPlanId());
          continue;
        }
        Resumption r = Resumption.of(events);
        PlanModel.Plan plan = dev.baton.master.plan.PlanCompiler.compileTrusted(accepted.getPlan());
        PlanRun run = new PlanRun(this, st.getPlanId(), plan, accepted.getTimeScale());
        run.submitter = accepted.getSubmittedBy();
        run.spans.resumePlan(accepted.getTraceContextMap());
        active.put(st.getPlanId(), run);
        activeCount = active.size();
        try (var scope = run.spans.logScope()) {
          log.info("plan {} resumed at event {}: {} attempt(s) to re-attach", st.getPlanId(), st.getLastSequence(),
              r.running.size());
        }
        run.resume(r);
        resumed.add(st.getPlanId());
      }
      return resumed;
    });
  }

  /**
   * Cancels a running plan: outstanding executions are cancelled on their instances, unfinished
   * tasks marked CANCELLED, the plan CANCELLED.
   *
   * @throws BatonException NOT_FOUND for an unknown plan, FAILED_PRECONDITION for a finished one
   */
  public PlanStatus cancel(String planId, String reason) {
    return call(() -> {
      PlanStatus st = store.status(planId).orElseThrow(() -> BatonException.notFound("unknown plan id '" + planId
          + "' (ListPlans shows the known ones)"));
      PlanRun run = active.get(planId);
      if (PlanReducer.isFinished(st.getState()) || run == null) {
        throw BatonException.failedPrecondition("plan " + planId + " is already " + word(st.getState())
            + "; only an accepted or running plan can be cancelled");
      }
      run.abort(PlanState.PLAN_STATE_CANCELLED, reason.isBlank() ? "cancelled by request" : reason);
      return store.status(planId).orElseThrow();
    });
  }

  /** A participant's arrival at a sync point, from its Coordinate stream. */
  public void onSyncArrival(String instanceId, SyncArrival arrival) {
    post(() -> {
      PlanRun run = active.get(arrival.getPlanId());
      if (run != null) {
        run.onSyncArrival(instanceId, arrival);
      }
    });
  }

  /**
   * What an instance holds, as it reported on (re-)registering: an execution still queued or
   * running that no plan of this master runs as that attempt (its plan finished, was cancelled or
   * is unknown to this master's journal, or the attempt was given up) runs for nobody and is
   * cancelled. The attempts this master does run are re-attached by their plans.
   */
  public void onExecutionsReported(String instanceId, java.util.List<dev.baton.v1.HeldExecution> held) {
    post(() -> {
      for (dev.baton.v1.HeldExecution h : held) {
        boolean live = h.getState() == dev.baton.v1.ExecutionState.EXECUTION_STATE_RUNNING
            || h.getState() == dev.baton.v1.ExecutionState.EXECUTION_STATE_QUEUED;
        if (!live) {
          continue;
        }
        PlanRun run = active.get(h.getPlanId());
        if (run != null && run.runs(h.getTaskId(), h.getAttempt())) {
          continue;
        }
        String why = run == null
            ? "plan " + h.getPlanId() + " is not running on this master (finished, cancelled or unknown)"
            : "attempt " + h.getAttempt() + " of task " + h.getTaskId() + " is no longer the plan's";
        registry.instance(instanceId).ifPresent(i -> {
          log.warn("cancelling orphaned execution {} on {}: {}", h.getExecutionId(), instanceId, why);
          delegator.cancel(Dispatcher.target(i), h.getExecutionId(), why);
        });
      }
    });
  }

  /** Plans this master is running now (0 on a standby). Any thread. */
  public int activePlans() {
    return activeCount;
  }

  /** Delegations this master has outstanding on each instance now. */
  public Map<String, Integer> outstanding() {
    return Map.copyOf(outstandingView);
  }

  int outstanding(String instanceId) {
    return outstanding.getOrDefault(instanceId, 0);
  }

  /**
   * Delegations sent to one instance and not answered yet, at most: past it the instance counts as
   * full until answers come back. A plan with thousands of ready tasks and free slots would
   * otherwise send thousands of Delegates at once, and the last ones would miss their deadline in
   * the instance's queue (seen on 2 cores with 4,096 slots per instance).
   */
  static final int DELEGATE_WINDOW = 64;

  /** Delegates outstanding without an answer, per instance id. Engine thread only. */
  private final Map<String, Integer> unanswered = new HashMap<>();

  /** True when the instance may be sent one more Delegate now. */
  boolean windowOpen(String instanceId) {
    return unanswered.getOrDefault(instanceId, 0) < DELEGATE_WINDOW;
  }

  /** Takes a slot on the instance for the attempt, whose Delegate is about to be sent. */
  void acquire(Attempt a) {
    a.released = false;
    String instanceId = a.instance.id();
    int n = outstanding.merge(instanceId, 1, Integer::sum);
    outstandingView.put(instanceId, n);
    a.unanswered = true;
    unanswered.merge(instanceId, 1, Integer::sum);
  }

  /** The instance answered the attempt's Delegate: the window has room for one more. */
  void answered(Attempt a) {
    if (!a.unanswered) {
      return;
    }
    a.unanswered = false;
    String instanceId = a.instance.id();
    int n = unanswered.merge(instanceId, -1, Integer::sum);
    if (n <= 0) {
      unanswered.remove(instanceId);
    }
    if (n == DELEGATE_WINDOW - 1) {
      stepAllSoon(); // tasks held back by the window may go now
    }
  }

  /** Gives the attempt's slot back (finished, failed or abandoned). */
  void release(Attempt a) {
    if (a.released) {
      return;
    }
    a.released = true;
    answered(a);
    release(a.instance.id());
  }

  private void release(String instanceId) {
    int n = outstanding.merge(instanceId, -1, Integer::sum);
    if (n <= 0) {
      outstanding.remove(instanceId);
      outstandingView.remove(instanceId);
    } else {
      outstandingView.put(instanceId, n);
    }
    // A slot came free: tasks of other plans held back for it may go now.
    stepAllSoon();
  }

  /** Queues one pass over every plan; one pass serves every request made before it runs. */
  private void stepAllSoon() {
    if (!stepAllPosted) {
      stepAllPosted = true;
      post(() -> {
        stepAllPosted = false;
        stepAll();
      });
    }
  }

  /** A stepAll pass for released slots is queued and has not run yet (engine thread). */
  private boolean stepAllPosted;

  void finished(PlanRun run) {
    active.remove(run.planId);
    activeCount = active.size();
    try (var scope = run.spans.logScope()) {
      log.info("plan {} finished: {}", run.planId, store.status(run.planId).map(s -> s.getState() + " "
          + s.getReason()).orElse(""));
    }
  }

  /**
   * Runs a side effect of events just appended (a Delegate, a sync notification, a cancel) once
   * they are durable, on the scheduler's thread: the outbox. With the in-memory store it runs at
   * once, so nothing changes where nothing is journaled.
   */
  void outbox(Runnable sideEffect) {
    if (!store.durable()) {
      sideEffect.run();
      return;
    }
    store.afterDurable(() -> post(sideEffect));
  }

  /** Runs {@code r} on the scheduler's thread. */
  void post(Runnable r) {
    try {
      executor.execute(() -> guard(r));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("engine stopped; dropping a callback");
    }
  }

  /** Keeps one failing step from killing the scheduler's thread or a periodic task. */
  void guard(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.error("scheduler step failed", e);
    }
  }

  /** An instance's breaker opened: every plan recovers the tasks it had there. */
  private void instanceFailed(String instanceId, String detection, Instant detectedAt) {
    int tasks = tasksOn(instanceId);
    log.warn("instance {} failed ({}); {} task(s) of running plans on it", instanceId, detection, tasks);
    for (PlanRun run : java.util.List.copyOf(active.values())) {
      run.onInstanceFailed(instanceId, detection, detectedAt);
    }
  }

  /** Tasks of all running plans delegated to the instance and not finished. */
  int tasksOn(String instanceId) {
    return outstanding(instanceId);
  }

  /**
   * A watch on the instance was lost: probe it (Describe, with deadline) until it answers (its lost
   * attempts are watched again) or its breaker opens (recovery takes them). Each failed probe is a
   * breaker failure, so this ends within slidingWindowSize probes.
   */
  void suspect(Instance instance) {
    if (!probing.add(instance.id())) {
      return;
    }
    delegator.probe(Dispatcher.target(instance), alive -> post(() -> {
      probing.remove(instance.id());
      if (alive) {
        for (PlanRun run : java.util.List.copyOf(active.values())) {
          run.reattach(instance.id());
        }
      } else if (!breakers.isOpen(instance.id()) && active.values().stream().anyMatch(r -> r.hasLost(instance.id()))) {
        long pause = RetryRules.backoff(resilience, 2, random).toMillis();
        executor.schedule(() -> guard(() -> suspect(instance)), pause, TimeUnit.MILLISECONDS);
      }
    }));
  }

  private void stepAll() {
    monitor.scan();
    for (PlanRun run : java.util.List.copyOf(active.values())) {
      run.step();
    }
  }

  private <T> T call(Callable<T> c) {
    return call(CALL_TIMEOUT_SECONDS, c);
  }

  private <T> T call(long timeoutSeconds, Callable<T> c) {
    Future<T> f = executor.submit(c);
    try {
      return f.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      f.cancel(false);
      throw BatonException.unavailable("the scheduler is busy; retry the call");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw BatonException.unavailable("interrupted while waiting for the scheduler");
    }
  }

  static String word(PlanState s) {
    return s.name().substring("PLAN_STATE_".length());
  }

  /**
   * Stops scheduling without ending anything (this master lost the leadership, or its journal
   * refused it): every plan is detached (watches stopped, timers disarmed), nothing is cancelled
   * on the instances; the new leader resumes the plans from the journal. {@link #resume} takes
   * them up again if this master leads again.
   */
  public void standDown(String why) {
    try {
      executor.submit(() -> {
        if (!active.isEmpty()) {
          log.warn("standing down ({}): {} plan(s) left to the next leader", why, active.size());
        }
        active.values().forEach(PlanRun::detach);
        active.clear();
        activeCount = 0;
        delegator.closeStreams("master standing down: " + why);
        byRequestId.clear();
        outstanding.clear();
        outstandingView.clear();
        unanswered.clear();
        probing.clear();
      }).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("could not stand down cleanly", e);
    }
  }

  /** Stops the ticker and every watch; plans keep the state their events gave them. */
  @Override
  public void close() {
    ticker.cancel(false);
    git.shutdownNow();
    try {
      executor.submit(() -> active.values().forEach(PlanRun::detach)).get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("could not detach plans cleanly", e);
    }
  }
}
