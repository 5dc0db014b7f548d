package dev.baton.master.plan;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The validated, routed plan as plain Java: what the scheduler runs. Built only by the plan
 * compiler, so every instance is valid (ids unique, dependencies known, graph acyclic, sync points
 * satisfiable, every task routed to a domain).
 */
public final class PlanModel {
  private PlanModel() {}

  /** An enumerated plan-format word, e.g. {@code hybrid_parallel_sequential}. */
  public interface PlanWord {
    /** The word as written in a plan. */
    default String word() {
      return ((Enum<?>) this).name().toLowerCase(Locale.ROOT);
    }
  }

  public enum Strategy implements PlanWord {
    PARALLEL,
    SEQUENTIAL_CHECKPOINTED,
    HYBRID_PARALLEL_SEQUENTIAL
  }

  public enum SyncMode implements PlanWord {
    TIGHT,
    LOOSE,
    EVENTUAL
  }

  public enum FailureHandling implements PlanWord {
    RESTART,
    FAILOVER,
    REDISTRIBUTE,
    GRACEFUL_DEGRADATION
  }

  public enum DelegationPolicy implements PlanWord {
    SCORE,
    ROUND_ROBIN,
    LEAST_LOADED
  }

  public enum Priority implements PlanWord {
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL
  }

  public enum Check implements PlanWord {
    API_CONTRACT,
    INFRASTRUCTURE,
    DEPLOYMENT
  }

  /** The domains of the four specialisations. */
  public static final List<String> DOMAINS = List.of("frontend", "backend", "devops", "testing");

  public record Context(
      String project,
      List<String> techStack,
      List<String> designDecisions,
      List<String> qualityRequirements) {}

  /** Retries after the first attempt, and the first backoff (doubling, capped). */
  public record RetryPolicy(int maxRetries, Duration backoff, Duration maxBackoff) {}

  /**
   * Testing aids for the sim droid; {@code remediation} holds corrected content of some of
   * {@code documents}, written by a sync point's remediation task when this task's document must change.
   */
  public record Simulation(
      int failFirstAttempts, boolean hang, Map<String, String> documents, Map<String, String> remediation) {
    public static final Simulation NONE = new Simulation(0, false, Map.of(), Map.of());

    public Simulation(int failFirstAttempts, boolean hang, Map<String, String> documents) {
      this(failFirstAttempts, hang, documents, Map.of());
    }
  }

  /** Who changes when a check finds conflicts at a sync point. */
  public enum MediationPolicy implements PlanWord {
    /** The provider's document is authoritative: the consumer (or the needing side) changes. */
    PROVIDER_WINS,
    /** The consumer's document is authoritative: the provider changes. */
    CONSUMER_WINS,
    /** No automatic remediation: the parties are notified and the point is unresolved. */
    ASK
  }

  /**
   * A sync point's mediation: the policy per check (absent: provider wins) and how many
   * remediation rounds are tried before the plan's failure handling applies.
   */
  public record Mediation(Map<Check, MediationPolicy> policies, int maxRounds) {
    public static final int DEFAULT_MAX_ROUNDS = 2;
    public static final Mediation DEFAULT = new Mediation(Map.of(), DEFAULT_MAX_ROUNDS);

    public MediationPolicy policy(Check check) {
      return policies.getOrDefault(check, MediationPolicy.PROVIDER_WINS);
    }
  }

  /** How task branches join the integration branch. */
  public enum MergeStrategy implements PlanWord {
    MERGE,
    REBASE
  }

  /** The runners a plan may ask for in spec.runner. */
  public static final List<String> RUNNERS = List.of("claude", "droid", "codex", "scripted", "sim", "command");

  /**
   * The git repository of a plan (spec.repository).
   *
   * @param setupCopy ignored files each worktree needs, copied from the sub-orchestrator's files
   */
  public record Repository(String url, String baseBranch, MergeStrategy merge, boolean setupSubmodules,
      List<String> setupCopy, String setupCommand) {}

  /** Limits on spend; zero means none on that axis. */
  public record Budget(double usd, long tokens, int turns, Duration wall) {
    public static final Budget NONE = new Budget(0, 0, 0, Duration.ZERO);

    public boolean isNone() {
      return usd == 0 && tokens == 0 && turns == 0 && wall.isZero();
    }
  }

  /**
   * What a task asks of a real droid.
   *
   * @param verify a command run in the worktree after the agent; its exit status decides success
   * @param publishes document name -> path in the repository, read at sync points
   */
  public record Work(Budget budget, Optional<String> verify, Map<String, String> publishes) {
    public static final Work NONE = new Work(Budget.NONE, Optional.empty(), Map.of());
  }

  /** The plan's droids: its repository, its budget and the runner it asks for (empty: each droid's). */
  public record Agents(Optional<Repository> repository, Budget budget, String runner) {
    public static final Agents NONE = new Agents(Optional.empty(), Budget.NONE, "");
  }

  /** Why a task went to its domain: named by the plan, or the matched expertise and score. */
  public record Routing(String domain, String reason, boolean explicit, double score) {}

  public record Task(
      String id,
      /* position in the plan, 0-based; hybrid runs a domain's tasks in this order */
      int index,
      String description,
      String domain,
      Routing routing,
      Optional<String> droid,
      Duration estimate,
      Priority priority,
      List<String> dependsOn,
      List<String> requirements,
      List<String> constraints,
      List<String> deliverables,
      Optional<String> run,
      Duration timeout,
      Simulation simulation,
      Work work) {

    public Task(String id, int index, String description, String domain, Routing routing, Optional<String> droid,
        Duration estimate, Priority priority, List<String> dependsOn, List<String> requirements,
        List<String> constraints, List<String> deliverables, Optional<String> run, Duration timeout,
        Simulation simulation) {
      this(id, index, description, domain, routing, droid, estimate, priority, dependsOn, requirements, constraints,
          deliverables, run, timeout, simulation, Work.NONE);
    }

    public double estimateMinutes() {
      return estimate.toMillis() / 60_000.0;
    }
  }

  public record SyncPoint(
      String name,
      List<String> participants,
      List<String> after,
      List<String> before,
      SyncMode mode,
      List<Check> checks,
      Duration timeout,
      Mediation mediation) {

    public SyncPoint(String name, List<String> participants, List<String> after, List<String> before,
        SyncMode mode, List<Check> checks, Duration timeout) {
      this(name, participants, after, before, mode, checks, timeout, Mediation.DEFAULT);
    }
  }

  /** The seed's DomainAnalysis: share of the plan's text in each domain, 0..1. */
  public record DomainAnalysis(
      double frontend, double backend, double devops, double testing, double data, double security) {}

  /** The seed's OrchestratorTaskAssignment. */
  public record Assignment(
      String domain,
      List<String> taskIds,
      double estimatedMinutes,
      List<String> dependsOnDomains,
      Priority priority) {}

  /** The seed's ExecutionLevel: tasks whose dependencies and gates all lie in earlier levels. */
  public record Level(int level, List<String> taskIds, List<String> domains) {}

  public record Analysis(
      DomainAnalysis domains,
      List<Assignment> assignments,
      List<Level> levels,
      List<String> criticalPath,
      double criticalPathMinutes,
      double sequentialMinutes,
      double estimatedMakespanMinutes) {}

  /** A compiled plan. Tasks are in plan order. */
  public record Plan(
      String name,
      String description,
      Strategy strategy,
      SyncMode synchronization,
      FailureHandling failureHandling,
      DelegationPolicy delegationPolicy,
      Optional<Duration> deadline,
      Context context,
      List<Task> tasks,
      List<SyncPoint> syncPoints,
      RetryPolicy retry,
      Analysis analysis,
      Agents agents) {

    public Plan(String name, String description, Strategy strategy, SyncMode synchronization,
        FailureHandling failureHandling, DelegationPolicy delegationPolicy, Optional<Duration> deadline,
        Context context, List<Task> tasks, List<SyncPoint> syncPoints, RetryPolicy retry, Analysis analysis) {
      this(name, description, strategy, synchronization, failureHandling, delegationPolicy, deadline, context, tasks,
          syncPoints, retry, analysis, Agents.NONE);
    }

    /** True when the plan's tasks run real droids in a repository rather than simulations. */
    public boolean real() {
      return agents.repository().isPresent() || (!agents.runner().isEmpty() && !agents.runner().equals("sim"));
    }

    public Task task(String id) {
      for (Task t : tasks) {
        if (t.id().equals(id)) {
          return t;
        }
      }
      throw new IllegalArgumentException("unknown task: " + id);
    }
  }
}
