package dev.baton.master.recovery;

import dev.baton.master.plan.PlanModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Spreads the failed instance's tasks over whoever can take them: the surviving replicas of its
 * domain when there are any (by the plan's policy, not all onto one backup), else the other domain
 * that covers each task best. A task no domain covers waits for an instance of its own domain and
 * fails after the master's instanceWait: guessing a domain that does not cover it would only fail
 * it later and less clearly.
 */
public final class RedistributeStrategy implements RecoveryStrategy {

  @Override
  public String name() {
    return "redistribute";
  }

  @Override
  public RecoveryDecision decide(FailureImpact impact) {
    Map<String, String> to = new LinkedHashMap<>();
    Map<String, String> why = new LinkedHashMap<>();
    List<String> uncovered = new ArrayList<>();
    for (PlanModel.Task t : impact.tasks()) {
      if (!impact.backups().isEmpty()) {
        to.put(t.id(), impact.domain());
        why.put(t.id(), "spread over the " + impact.backups().size() + " healthy " + impact.domain() + " replica(s)");
        continue;
      }
      Coverage c = impact.covering().get(t.id());
      if (c == null) {
        uncovered.add(t.id());
      } else {
        to.put(t.id(), c.domain());
        why.put(t.id(), "redistributed from " + impact.domain() + " to " + c.domain() + ": " + c.why());
      }
    }
    StringBuilder reason = new StringBuilder();
    if (!to.isEmpty()) {
      reason.append(to.size()).append(" task(s) of ").append(impact.failedInstance()).append(" (")
          .append(impact.detection()).append(") handed on: ");
      List<String> parts = new ArrayList<>();
      to.forEach((task, domain) -> parts.add(task + " -> " + domain));
      reason.append(String.join(", ", parts));
    }
    if (!uncovered.isEmpty()) {
      if (reason.length() > 0) {
        reason.append("; ");
      }
      reason.append("no other domain covers ").append(String.join(", ", uncovered))
          .append(": waiting for an instance of ").append(impact.domain());
    }
    return new RecoveryDecision.Redistribute(to, why, uncovered, reason.toString());
  }
}
