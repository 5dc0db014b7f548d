package dev.baton.master.recovery;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What a strategy decided; the engine carries it out and reports it as a RecoveryResult. */
public sealed interface RecoveryDecision {

  /** The recovery_type word of the RecoveryResult. */
  String type();

  /** Why, in words for the event. */
  String reason();

  /** Leave the tasks where they are and wait up to {@code grace} for the instance to come back. */
  record Restart(Duration grace, String reason) implements RecoveryDecision {
    public String type() {
      return "restart";
    }
  }

  /** The instance came back within the grace: it keeps its tasks. */
  record Resumed(String reason) implements RecoveryDecision {
    public String type() {
      return "restart";
    }
  }

  /** Move every task to {@code backup}, a replica of the same domain, with a new attempt number. */
  record Failover(String backup, String reason) implements RecoveryDecision {
    public String type() {
      return "failover";
    }
  }

  /**
   * Hand each task to another instance: those in {@code toDomain} to the domain named there (its own
   * when replicas are left, else a covering one); those in {@code uncovered} wait for an instance of
   * their own domain (bounded by the master's instanceWait, then they fail).
   */
  record Redistribute(Map<String, String> toDomain, Map<String, String> why, List<String> uncovered, String reason)
      implements RecoveryDecision {
    public Redistribute {
      toDomain = Map.copyOf(toDomain);
      why = Map.copyOf(why);
      uncovered = List.copyOf(uncovered);
    }

    public String type() {
      return "redistribute";
    }
  }

  /** Give the tasks up: they end SKIPPED (degraded), their dependents are skipped, the plan ends DEGRADED. */
  record Degrade(String reason) implements RecoveryDecision {
    public String type() {
      return "graceful_degradation";
    }
  }
}
