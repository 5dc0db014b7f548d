package dev.baton.master.plan;

import dev.baton.v1.BudgetSpec;
import dev.baton.v1.Plan;
import dev.baton.v1.PlanSpec;
import dev.baton.v1.RepositorySpec;
import dev.baton.v1.SyncPointSpec;
import dev.baton.v1.TaskSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns a plan proto (parsed from YAML or received over gRPC) into a validated, routed
 * {@link PlanModel.Plan}, or refuses it with the first problem found.
 *
 * <p>The first problem wins, and the checks run in a fixed order so the same plan always gets the
 * same message: the document (apiVersion, kind, metadata), the spec's words, then the task ids (all
 * of them), then each task's fields in plan order (estimate, words, dependencies, routing), then
 * each sync point, then the graph (dependency cycles, then sync points that deadlock), and last the
 * analysis. One problem at a time keeps each message exact; fixing it reveals the next.
 */
final class PlanValidator {
  static final String API_VERSION = "baton.dev/v1";
  static final String KIND = "Plan";
  /**
   * Bounds the work one submission can ask of the scheduler and the memory its validation takes
   * (BatonBounds.PLAN_TASKS, 10,000); plans the master compiled itself (a resumed journal, the
   * benchmarks' 100,000-task plans) are not bounded by it.
   */
  static final int MAX_TASKS = dev.baton.runtime.limits.BatonBounds.PLAN_TASKS;
  /** The longest duration a plan may give (estimate, timeout, deadline, backoff, budget wall): 7 days. */
  static final Duration MAX_DURATION = Duration.ofMillis(dev.baton.runtime.limits.BatonBounds.MAX_DURATION_MILLIS);
  static final int MAX_RETRIES = 10;

  static final PlanModel.Strategy DEFAULT_STRATEGY = PlanModel.Strategy.PARALLEL;
  static final PlanModel.SyncMode DEFAULT_SYNCHRONIZATION = PlanModel.SyncMode.TIGHT;
  static final PlanModel.FailureHandling DEFAULT_FAILURE_HANDLING = PlanModel.FailureHandling.FAILOVER;
  static final PlanModel.DelegationPolicy DEFAULT_DELEGATION_POLICY = PlanModel.DelegationPolicy.SCORE;
  static final PlanModel.Priority DEFAULT_PRIORITY = PlanModel.Priority.MEDIUM;
  /** Retries of a failed task when the plan has no {@code spec.retry}. */
  static final int DEFAULT_MAX_RETRIES = 2;
  static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(5);
  /** The backoff doubles per retry up to this (or up to the first backoff, if that is longer). */
  static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
  /** How long a command droid may run a task's {@code run}. */
  static final Duration DEFAULT_TASK_TIMEOUT = Duration.ofMinutes(30);
  /** How long a loose sync point waits for its participants. */
  static final Duration DEFAULT_SYNC_TIMEOUT = Duration.ofMinutes(2);

  private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,63}");
  private static final Pattern GIT_REF = Pattern.compile("[A-Za-z0-9._/-]{1,200}");
  private static final String NAME_RULE = "1 to 63 characters of a-z, 0-9 and '-'";

  private final Places places;
  private final int maxTasks;

  private PlanValidator(Places places) {
    this(places, MAX_TASKS);
  }

  private PlanValidator(Places places, int maxTasks) {
    this.places = places;
    this.maxTasks = maxTasks;
  }

  static PlanModel.Plan validate(Plan plan, Places places) {
    return new PlanValidator(places).plan(plan);
  }

  /** Like {@link #validate}, for a plan of the master's own making: any number of tasks. */
  static PlanModel.Plan validateTrusted(Plan plan) {
    return new PlanValidator(Places.NONE, Integer.MAX_VALUE).plan(plan);
  }

  private PlanModel.Plan plan(Plan plan) {
    if (plan.getApiVersion().isEmpty()) {
      throw places.fail("apiVersion", "missing (expected: apiVersion: " + API_VERSION + ")");
    }
    if (!plan.getApiVersion().equals(API_VERSION)) {
      throw places.fail("apiVersion", "'" + plan.getApiVersion() + "' is not supported (expected: " + API_VERSION + ")");
    }
    if (plan.getKind().isEmpty()) {
      throw places.fail("kind", "missing (expected: kind: " + KIND + ")");
    }
    if (!plan.getKind().equals(KIND)) {
      throw places.fail("kind", "'" + plan.getKind() + "' is not a plan (expected: " + KIND + ")");
    }
    if (!plan.hasMetadata() || plan.getMetadata().getName().isEmpty()) {
      throw places.fail(plan.hasMetadata() ? "metadata" : "", "metadata.name is missing (expected: " + NAME_RULE + ")");
    }
    String name = plan.getMetadata().getName();
    if (!NAME.matcher(name).matches()) {
      throw places.fail("metadata.name", "'" + name + "' is not a valid name (expected: " + NAME_RULE + ")");
    }
    if (!plan.hasSpec()) {
      throw places.fail("", "spec is missing (expected: a spec with at least one task)");
    }
    PlanSpec spec = plan.getSpec();
    PlanModel.Strategy strategy =
        word("spec.strategy", spec.getStrategy(), PlanModel.Strategy.values(), DEFAULT_STRATEGY, "strategy");
    PlanModel.SyncMode synchronization = word(
        "spec.synchronization", spec.getSynchronization(), PlanModel.SyncMode.values(),
        DEFAULT_SYNCHRONIZATION, "synchronization mode");
    PlanModel.FailureHandling failureHandling = word(
        "spec.failureHandling", spec.getFailureHandling(), PlanModel.FailureHandling.values(),
        DEFAULT_FAILURE_HANDLING, "failure handling");
    PlanModel.DelegationPolicy policy = word(
        "spec.delegationPolicy", spec.getDelegationPolicy(), PlanModel.DelegationPolicy.values(),
        DEFAULT_DELEGATION_POLICY, "delegation policy");
    Optional<Duration> deadline = spec.getDeadline().isEmpty()
        ? Optional.empty()
        : Optional.of(duration("spec.deadline", spec.getDeadline()));
    PlanModel.RetryPolicy retry = retry(spec);
    PlanModel.Context context = new PlanModel.Context(
        spec.getContext().getProject(),
        List.copyOf(spec.getContext().getTechStackList()),
        List.copyOf(spec.getContext().getDesignDecisionsList()),
        List.copyOf(spec.getContext().getQualityRequirementsList()));

    List<PlanModel.Task> tasks = tasks(spec);
    List<PlanModel.SyncPoint> points = syncPoints(spec, tasks, synchronization);
    TaskGraph graph = TaskGraph.build(tasks, points, places);
    PlanModel.Analysis analysis = new PlanModel.Analysis(
        DomainAnalyzer.analyse(tasks),
        TaskDecomposer.assignments(graph),
        graph.levels(),
        graph.criticalPath(),
        minutes(graph.criticalPath().stream().mapToLong(id -> taskById(tasks, id).estimate().toMillis()).sum()),
        MakespanEstimator.sequentialMinutes(graph),
        MakespanEstimator.estimateMinutes(graph, strategy));
    return new PlanModel.Plan(
        name, plan.getMetadata().getDescription(), strategy, synchronization, failureHandling, policy,
        deadline, context, tasks, points, retry, analysis, agents(spec));
  }

  private PlanModel.Agents agents(PlanSpec spec) {
    Optional<PlanModel.Repository> repository = Optional.empty();
    if (spec.hasRepository()) {
      RepositorySpec r = spec.getRepository();
      if (r.getUrl().isBlank()) {
        throw places.fail("spec.repository.url", "missing (expected: a git remote URL, e.g. https://host/team/app.git"
            + " or a path; `baton demo --repo DIR` fills it in)");
      }
      if (r.getUrl().length() > 2048 || r.getUrl().chars().anyMatch(ch -> ch < 0x20)) {
        throw places.fail("spec.repository.url", "not a URL (expected: at most 2048 printable characters)");
      }
      String base = r.getBaseBranch().isEmpty() ? "main" : r.getBaseBranch();
      if (!GIT_REF.matcher(base).matches() || base.contains("..")) {
        throw places.fail("spec.repository.baseBranch", "'" + base + "' is not a branch name (expected: e.g. main)");
      }
      PlanModel.MergeStrategy merge = word("spec.repository.merge", r.getMerge(), PlanModel.MergeStrategy.values(),
          PlanModel.MergeStrategy.MERGE, "merge strategy");
      for (int i = 0; i < r.getSetup().getCopyCount(); i++) {
        String copy = r.getSetup().getCopy(i);
        String problem = outside(copy, "the worktree");
        if (problem != null) {
          throw places.fail("spec.repository.setup.copy[" + i + "]", problem
              + " (expected: a relative path inside it, e.g. .env)");
        }
      }
      repository = Optional.of(new PlanModel.Repository(r.getUrl(), base, merge, r.getSetup().getSubmodules(),
          List.copyOf(r.getSetup().getCopyList()), r.getSetup().getCommand()));
    }
    String runner = spec.getRunner();
    if (!runner.isEmpty() && !PlanModel.RUNNERS.contains(runner)) {
      throw places.fail("spec.runner", "unknown runner '" + runner + "' (expected one of: "
          + String.join(", ", PlanModel.RUNNERS) + ")");
    }
    return new PlanModel.Agents(repository, budget("spec.budget", spec.getBudget()), runner);
  }

  private PlanModel.Budget budget(String path, BudgetSpec b) {
    if (b.getUsd() < 0 || Double.isNaN(b.getUsd()) || Double.isInfinite(b.getUsd())) {
      throw places.fail(path + ".usd", b.getUsd() + " (expected: a number of US dollars >= 0)");
    }
    if (b.getTokens() < 0) {
      throw places.fail(path + ".tokens", b.getTokens() + " (expected: >= 0)");
    }
    if (b.getTurns() < 0) {
      throw places.fail(path + ".turns", b.getTurns() + " (expected: >= 0)");
    }
    Duration wall = b.getWall().isEmpty() ? Duration.ZERO : duration(path + ".wall", b.getWall());
    return new PlanModel.Budget(b.getUsd(), b.getTokens(), b.getTurns(), wall);
  }

  private PlanModel.RetryPolicy retry(PlanSpec spec) {
    if (!spec.hasRetry()) {
      return new PlanModel.RetryPolicy(DEFAULT_MAX_RETRIES, DEFAULT_BACKOFF, MAX_BACKOFF);
    }
    int max = spec.getRetry().getMaxRetries();
    if (max < 0 || max > MAX_RETRIES) {
      throw places.fail("spec.retry.maxRetries", max + " retries (expected: 0 to " + MAX_RETRIES + ")");
    }
    Duration backoff = spec.getRetry().getBackoff().isEmpty()
        ? DEFAULT_BACKOFF
        : duration("spec.retry.backoff", spec.getRetry().getBackoff());
    return new PlanModel.RetryPolicy(max, backoff, backoff.compareTo(MAX_BACKOFF) > 0 ? backoff : MAX_BACKOFF);
  }

  private List<PlanModel.Task> tasks(PlanSpec spec) {
    if (spec.getTasksCount() == 0) {
      throw places.fail("spec.tasks", "the plan has no tasks (expected: at least one task)");
    }
    if (spec.getTasksCount() > maxTasks) {
      throw places.fail("spec.tasks", spec.getTasksCount() + " tasks (expected: at most " + maxTasks + ")");
    }
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < spec.getTasksCount(); i++) {
      String id = spec.getTasks(i).getId();
      String path = "spec.tasks[" + i + "].id";
      if (id.isEmpty()) {
        throw places.fail("spec.tasks[" + i + "]", "task without an id (expected: id: " + NAME_RULE + ")");
      }
      if (!NAME.matcher(id).matches()) {
        throw places.fail(path, "'" + id + "' is not a valid task id (expected: " + NAME_RULE + ")");
      }
      Integer first = ids.putIfAbsent(id, i);
      if (first != null) {
        throw places.fail(path, "duplicate task id '" + id + "' (first at spec.tasks[" + first + "]; expected: unique ids)");
      }
    }
    List<String> idList = spec.getTasksList().stream().map(TaskSpec::getId).toList();
    List<PlanModel.Task> tasks = new ArrayList<>();
    for (int i = 0; i < spec.getTasksCount(); i++) {
      tasks.add(task(spec.getTasks(i), i, ids, idList));
    }
    return List.copyOf(tasks);
  }

  /**
   * A task added while a plan ran (a remediation), validated on its own as its TaskAdded event
   * recorded it: its dependencies must be among {@code knownIds}.
   */
  static PlanModel.Task added(TaskSpec t, int index, List<String> knownIds) {
    Map<String, Integer> ids = new HashMap<>();
    for (int k = 0; k < knownIds.size(); k++) {
      ids.putIfAbsent(knownIds.get(k), k);
    }
    return new PlanValidator(Places.NONE).task(t, index, ids, knownIds);
  }

  private PlanModel.Task task(TaskSpec t, int i, Map<String, Integer> ids, List<String> idList) {
    String path = "spec.tasks[" + i + "]";
    if (t.getEstimate().isEmpty()) {
      throw places.fail(path + ".estimate", "'" + t.getId() + "' has no estimate (expected: " + Durations.EXPECTED + ")");
    }
    Duration estimate = duration(path + ".estimate", t.getEstimate());
    PlanModel.Priority priority =
        word(path + ".priority", t.getPriority(), PlanModel.Priority.values(), DEFAULT_PRIORITY, "priority");
    if (!t.getOrchestrator().isEmpty() && !PlanModel.DOMAINS.contains(t.getOrchestrator())) {
      throw places.fail(
          path + ".orchestrator",
          "unknown orchestrator '" + t.getOrchestrator() + "' (expected one of: " + String.join(", ", PlanModel.DOMAINS) + ")");
    }
    Set<String> seen = new HashSet<>();
    for (int d = 0; d < t.getDependsOnCount(); d++) {
      String dep = t.getDependsOn(d);
      String depPath = path + ".dependsOn[" + d + "]";
      if (!ids.containsKey(dep)) {
        throw places.fail(depPath, "unknown task '" + dep + "' (" + expectedTask(dep, idList) + ")");
      }
      if (dep.equals(t.getId())) {
        throw places.fail(depPath, "'" + dep + "' depends on itself (expected: ids of other tasks)");
      }
      if (!seen.add(dep)) {
        throw places.fail(depPath, "'" + dep + "' is listed twice (expected: each dependency once)");
      }
    }
    Duration timeout = t.getTimeout().isEmpty() ? DEFAULT_TASK_TIMEOUT : duration(path + ".timeout", t.getTimeout());
    int failFirst = t.getSimulate().getFailFirstAttempts();
    if (failFirst < 0) {
      throw places.fail(path + ".simulate.failFirstAttempts", failFirst + " (expected: >= 0)");
    }
    for (String name : new java.util.TreeSet<>(t.getSimulate().getRemediationMap().keySet())) {
      if (!t.getSimulate().getDocumentsMap().containsKey(name)) {
        throw places.fail(path + ".simulate.remediation." + name, "'" + name
            + "' is not among simulate.documents (expected: corrected content of a document this task produces)");
      }
    }
    PlanModel.Simulation simulation = t.hasSimulate()
        ? new PlanModel.Simulation(failFirst, t.getSimulate().getHang(), Map.copyOf(t.getSimulate().getDocumentsMap()),
            Map.copyOf(t.getSimulate().getRemediationMap()))
        : PlanModel.Simulation.NONE;
    List<String> requirements = List.copyOf(t.getRequirementsList());
    PlanModel.Routing routing = t.getOrchestrator().isEmpty()
        ? TaskRouter.route(DomainAnalyzer.taskText(t.getId(), t.getDescription(), requirements), places, path, t.getId())
        : TaskRouter.named(t.getOrchestrator());
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(t.getPublishesMap()).entrySet()) {
      String p = e.getValue();
      String problem = outside(p, "the repository");
      if (problem != null) {
        throw places.fail(path + ".publishes." + e.getKey(), problem
            + " (expected: a relative path such as api/openapi.yaml)");
      }
    }
    PlanModel.Work work = new PlanModel.Work(budget(path + ".budget", t.getBudget()), optional(t.getVerify()),
        Map.copyOf(t.getPublishesMap()));
    return new PlanModel.Task(
        t.getId(), i, t.getDescription(), routing.domain(), routing,
        optional(t.getDroid()), estimate, priority, List.copyOf(t.getDependsOnList()), requirements,
        List.copyOf(t.getConstraintsList()), List.copyOf(t.getDeliverablesList()), optional(t.getRun()),
        timeout, simulation, work);
  }

  private List<PlanModel.SyncPoint> syncPoints(
      PlanSpec spec, List<PlanModel.Task> tasks, PlanModel.SyncMode defaultMode) {
    List<String> idList = tasks.stream().map(PlanModel.Task::id).toList();
    Set<String> ids = new HashSet<>(idList);
    Map<String, Integer> names = new HashMap<>();
    List<PlanModel.SyncPoint> points = new ArrayList<>();
    for (int i = 0; i < spec.getSyncPointsCount(); i++) {
      SyncPointSpec p = spec.getSyncPoints(i);
      String path = "spec.syncPoints[" + i + "]";
      if (p.getName().isBlank()) {
        throw places.fail(path, "sync point without a name (expected: name: API Contract Agreement, for example)");
      }
      Integer first = names.putIfAbsent(p.getName(), i);
      if (first != null) {
        throw places.fail(path + ".name", "duplicate sync point name '" + p.getName()
            + "' (first at spec.syncPoints[" + first + "]; expected: unique names)");
      }
      if (p.getParticipantsCount() == 0) {
        throw places.fail(path + ".participants", "sync point '" + p.getName()
            + "' has no participants (expected: domains among " + String.join(", ", PlanModel.DOMAINS) + ")");
      }
      for (int k = 0; k < p.getParticipantsCount(); k++) {
        String d = p.getParticipants(k);
        if (!PlanModel.DOMAINS.contains(d)) {
          throw places.fail(path + ".participants[" + k + "]",
              "unknown domain '" + d + "' (expected one of: " + String.join(", ", PlanModel.DOMAINS) + ")");
        }
      }
      if (p.getAfterCount() == 0) {
        throw places.fail(path + ".after", "sync point '" + p.getName()
            + "' has no after tasks (expected: the task ids whose completion reaches the point)");
      }
      knownTasks(path + ".after", p.getAfterList(), ids, idList);
      knownTasks(path + ".before", p.getBeforeList(), ids, idList);
      for (int k = 0; k < p.getBeforeCount(); k++) {
        if (p.getAfterList().contains(p.getBefore(k))) {
          throw places.fail(path + ".before[" + k + "]", "'" + p.getBefore(k) + "' is both after and before sync point '"
              + p.getName() + "' (expected: a task on one side of the point)");
        }
      }
      PlanModel.SyncMode mode = word(path + ".mode", p.getMode(), PlanModel.SyncMode.values(), defaultMode, "mode");
      List<PlanModel.Check> checks = new ArrayList<>();
      for (int k = 0; k < p.getChecksCount(); k++) {
        checks.add(word(path + ".checks[" + k + "]", p.getChecks(k), PlanModel.Check.values(), null, "check"));
      }
      Duration timeout = p.getTimeout().isEmpty() ? DEFAULT_SYNC_TIMEOUT : duration(path + ".timeout", p.getTimeout());
      points.add(new PlanModel.SyncPoint(
          p.getName(), List.copyOf(p.getParticipantsList()), List.copyOf(p.getAfterList()),
          List.copyOf(p.getBeforeList()), mode, List.copyOf(checks), timeout, mediation(path, p)));
    }
    return List.copyOf(points);
  }

  /** {@code mediation: {api_contract: provider_wins, ...}} and {@code maxRounds: 2}. */
  private PlanModel.Mediation mediation(String path, SyncPointSpec p) {
    java.util.EnumMap<PlanModel.Check, PlanModel.MediationPolicy> policies = new java.util.EnumMap<>(PlanModel.Check.class);
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(p.getMediationMap()).entrySet()) {
      PlanModel.Check check = word(path + ".mediation", e.getKey(), PlanModel.Check.values(), null, "check");
      policies.put(check, word(path + ".mediation." + e.getKey(), e.getValue(), PlanModel.MediationPolicy.values(),
          null, "mediation policy"));
    }
    if (p.getMaxRounds() < 0 || p.getMaxRounds() > 10) {
      throw places.fail(path + ".maxRounds", p.getMaxRounds() + " (expected: 0..10; 0 means the default, "
          + PlanModel.Mediation.DEFAULT_MAX_ROUNDS + ")");
    }
    int rounds = p.getMaxRounds() == 0 ? PlanModel.Mediation.DEFAULT_MAX_ROUNDS : p.getMaxRounds();
    return new PlanModel.Mediation(Map.copyOf(policies), rounds);
  }

  private void knownTasks(String path, List<String> named, Set<String> ids, List<String> idList) {
    Set<String> seen = new HashSet<>();
    for (int k = 0; k < named.size(); k++) {
      String id = named.get(k);
      if (!ids.contains(id)) {
        throw places.fail(path + "[" + k + "]", "unknown task '" + id + "' (" + expectedTask(id, idList) + ")");
      }
      if (!seen.add(id)) {
        throw places.fail(path + "[" + k + "]", "'" + id + "' is listed twice (expected: each task once)");
      }
    }
  }

  private static String expectedTask(String id, List<String> idList) {
    String closest = dev.baton.runtime.text.Suggestions.closest(id, idList);
    String listed = idList.stream().limit(10).collect(Collectors.joining(", "))
        + (idList.size() > 10 ? ", ..." : "");
    return (closest == null ? "" : "did you mean '" + closest + "'? ") + "expected one of the task ids: " + listed;
  }

  private Duration duration(String path, String text) {
    String[] problem = new String[1];
    Duration d = Durations.parse(text, problem)
        .orElseThrow(() -> places.fail(path, problem[0] + " (expected: " + Durations.EXPECTED + ")"));
    if (d.compareTo(MAX_DURATION) > 0) {
      throw places.fail(path, "'" + text + "' is longer than 7 days (expected: at most 168h)");
    }
    return d;
  }

  /** The enum constant whose plan word is {@code text}; {@code fallback} when empty (null: required). */
  private <E extends Enum<E> & PlanModel.PlanWord> E word(
      String path, String text, E[] values, E fallback, String what) {
    if (text.isEmpty() && fallback != null) {
      return fallback;
    }
    for (E e : values) {
      if (e.word().equals(text)) {
        return e;
      }
    }
    String legal = Arrays.stream(values).map(PlanModel.PlanWord::word).collect(Collectors.joining(", "));
    return failWord(path, "unknown " + what + " '" + text + "' (expected one of: " + legal + ")");
  }

  private <E> E failWord(String path, String problem) {
    throw places.fail(path, problem);
  }

  private static Optional<String> optional(String s) {
    return s.isBlank() ? Optional.empty() : Optional.of(s);
  }

  private static PlanModel.Task taskById(List<PlanModel.Task> tasks, String id) {
    for (PlanModel.Task t : tasks) {
      if (t.id().equals(id)) {
        return t;
      }
    }
    throw new IllegalStateException(id);
  }

  private static double minutes(long millis) {
    return millis / 60_000.0;
  }

  /**
   * Why {@code p} is not a relative path inside {@code root}, or null when it is one. A value the
   * platform cannot take as a path at all (a NUL character, found by fuzzing) is refused here
   * rather than failing later with {@code InvalidPathException}.
   */
  static String outside(String p, String root) {
    String shown = "'" + p.replace("\0", "\\0") + "'";
    if (p.isBlank() || p.startsWith("/")) {
      return shown + " leaves " + root;
    }
    try {
      return java.nio.file.Path.of(p).normalize().startsWith("..") ? shown + " leaves " + root : null;
    } catch (java.nio.file.InvalidPathException e) {
      return shown + " is not a path (" + e.getReason() + ")";
    }
  }
}
