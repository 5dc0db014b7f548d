package dev.baton.runtime.execution;

import dev.baton.runtime.droid.RunOptions;
import dev.baton.runtime.droid.definition.DroidDefinition;
import dev.baton.runtime.policy.Autonomy;
import dev.baton.runtime.policy.DomainPolicy;
import dev.baton.runtime.policy.DroidPolicy;
import dev.baton.runtime.policy.PolicyCheck;
import dev.baton.runtime.security.Principal;
import dev.baton.runtime.server.BatonException;
import dev.baton.v1.DelegationPackage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A sub-orchestrator's droid policy at Delegate: refuses, before anything runs, a delegation the
 * policy forbids (FAILED_PRECONDITION naming the task, the field and the rule), and otherwise
 * decides how its processes run ({@link RunOptions}). The rules are {@link PolicyCheck}'s, the same
 * the master applies at validation. Immutable and thread-safe.
 *
 * <p>The submitter's role comes from {@code DelegationPackage.submitter}; a package without one
 * counts as a viewer's, unless the caller reached an open server (plaintext loopback, no
 * credentials), where it counts as an admin's, as every caller there is trusted.
 */
public final class PolicyGate {
  private final DomainPolicy policy;
  private final Map<String, String> environment;

  /**
   * @param policy the instance's policy, resolved for its domain
   * @param host the sub-orchestrator's environment, of which only the policy's names are passed on
   */
  public PolicyGate(DomainPolicy policy, Map<String, String> host) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.environment = policy.environment(host);
  }

  /** The built-in policy: everything allowed, the default environment allowlist. */
  public static PolicyGate permissive() {
    return new PolicyGate(DroidPolicy.builtIn().forDomain(""), System.getenv());
  }

  public DomainPolicy policy() {
    return policy;
  }

  /**
   * The run options of an allowed delegation.
   *
   * @param droid the droid chosen for it
   * @param definition its definition in the instance's pool (a repository's own is checked again
   *     when the worktree is ready)
   * @param runner the runner it will run on
   * @throws BatonException FAILED_PRECONDITION naming task, field and rule
   */
  public RunOptions admit(DelegationPackage d, String droid, DroidDefinition definition, String runner) {
    String role = PolicyCheck.role(d.getSubmitter().getRolesList(),
        Principal.current().source() == Principal.Source.OPEN);
    List<Map.Entry<String, String>> paths = paths(d);
    PolicyCheck.Ask ask = new PolicyCheck.Ask(runner, Autonomy.of(definition, runner), role,
        d.hasCommand() ? d.getCommand().getRun() : "", d.getVerify(),
        d.getRepository().getSetup().getCommand(), paths);
    List<PolicyCheck.Violation> violations = PolicyCheck.check(policy, ask);
    if (!violations.isEmpty()) {
      throw BatonException.failedPrecondition("task " + d.getTaskId() + " (droid " + droid + ", submitter role "
          + role + ") is refused by the droid policy: "
          + String.join("; ", violations.stream().map(PolicyCheck.Violation::describe).toList()));
    }
    return new RunOptions(environment, policy.network(), policy.maxAutonomy(role).orElse(Autonomy.READ_ONLY));
  }

  /** The paths a package names, by the plan's field names. */
  static List<Map.Entry<String, String>> paths(DelegationPackage d) {
    List<Map.Entry<String, String>> paths = new ArrayList<>();
    for (int i = 0; i < d.getExpectedDeliverablesCount(); i++) {
      paths.add(Map.entry("deliverables[" + i + "]", d.getExpectedDeliverables(i)));
    }
    d.getPublishesMap().forEach((name, path) -> paths.add(Map.entry("publishes." + name, path)));
    if (d.hasSimulation()) {
      d.getSimulation().getDocumentsMap().keySet().forEach(path -> paths.add(Map.entry("simulate.documents", path)));
    }
    var copy = d.getRepository().getSetup().getCopyFilesList();
    for (int i = 0; i < copy.size(); i++) {
      paths.add(Map.entry("repository.setup.copy[" + i + "]", copy.get(i)));
    }
    if (d.hasCommand() && !d.getCommand().getWorkspace().isEmpty()) {
      paths.add(Map.entry("command.workspace", d.getCommand().getWorkspace()));
    }
    return paths;
  }
}
