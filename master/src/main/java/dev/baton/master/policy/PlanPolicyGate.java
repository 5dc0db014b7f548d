package dev.baton.master.policy;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.baton.master.plan.PlanModel;
import dev.baton.master.plan.PlanProtos;
import dev.baton.master.registry.Instance;
import dev.baton.master.registry.Registry;
import dev.baton.runtime.policy.Autonomy;
import dev.baton.runtime.policy.DomainPolicy;
import dev.baton.runtime.policy.PolicyCheck;
import dev.baton.runtime.policy.Redactor;
import dev.baton.runtime.security.Principal;
import dev.baton.runtime.security.Role;
import dev.baton.runtime.server.BatonException;
import dev.baton.v1.Droid;
import dev.baton.v1.DroidPolicySpec;
import dev.baton.v1.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Refuses at ValidatePlan and SubmitPlan, with INVALID_ARGUMENT naming the task, the field and the
 * rule, a plan that carries a secret-looking value, names a path that leaves the workspace, or asks
 * for more than the droid policy of its domain's sub-orchestrators allows.
 *
 * <p>The policies are those the registered healthy instances published in their descriptors
 * ({@link DroidPolicySpec}); a task must pass every one of its domain's (with replicas that
 * disagree, the strictest wins). A domain with no registered instance, or only instances that
 * published no policy, is not checked here: its tasks are checked when delegated, where a refusal
 * fails the task with the instance's message. What the master cannot know before delegation (the
 * droid a sub-orchestrator picks by expertise, and so its runner and autonomy) is likewise left to
 * the instance. The rules are {@link PolicyCheck}'s, the same code the instances run.
 */
public final class PlanPolicyGate {
  private final Registry registry;

  public PlanPolicyGate(Registry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * Checks a compiled plan for the current call's principal.
   *
   * @throws BatonException INVALID_ARGUMENT naming the first refused task, its field and the rule
   */
  public void check(PlanModel.Plan plan) {
    secrets(PlanProtos.toProto(plan));
    Principal caller = Principal.current();
    List<String> roles = caller.roles().stream().map(Role::wireName).toList();
    String role = PolicyCheck.role(roles, caller.source() == Principal.Source.OPEN);
    for (PlanModel.Task task : plan.tasks()) {
      List<PolicyCheck.Violation> violations = new ArrayList<>(PolicyCheck.paths(paths(plan, task)));
      if (violations.isEmpty()) {
        violations.addAll(policy(plan, task, role));
      }
      if (!violations.isEmpty()) {
        throw BatonException.invalidArgument("task '" + task.id() + "' (tasks[" + task.index() + "], "
            + task.domain() + ", submitter role " + role + "): "
            + String.join("; ", violations.stream().map(PolicyCheck.Violation::describe).toList()));
      }
    }
  }

  /**
   * The checks that need no registered instance: no key-shaped value, no path out of the workspace
   * ({@code baton validate} without a master runs these).
   *
   * @throws BatonException INVALID_ARGUMENT naming the task and the field
   */
  public static void checkContent(PlanModel.Plan plan) {
    secrets(PlanProtos.toProto(plan));
    for (PlanModel.Task task : plan.tasks()) {
      List<PolicyCheck.Violation> violations = PolicyCheck.paths(paths(plan, task));
      if (!violations.isEmpty()) {
        throw BatonException.invalidArgument("task '" + task.id() + "' (tasks[" + task.index() + "]): "
            + String.join("; ", violations.stream().map(PolicyCheck.Violation::describe).toList()));
      }
    }
  }

  private List<PolicyCheck.Violation> policy(PlanModel.Plan plan, PlanModel.Task task, String role) {
    for (Instance instance : registry.healthy(task.domain())) {
      if (!instance.descriptor().hasPolicy()) {
        continue;
      }
      DroidPolicySpec spec = instance.descriptor().getPolicy();
      DomainPolicy policy = DomainPolicy.fromProto(task.domain(), spec);
      Optional<Droid> droid = task.droid().flatMap(name -> instance.descriptor().getDroidsList().stream()
          .filter(d -> d.getName().equals(name)).findFirst());
      String runner;
      if (task.run().isPresent()) {
        runner = "command";
      } else if (!plan.agents().runner().isEmpty()) {
        runner = plan.agents().runner();
      } else if (droid.isPresent()) {
        runner = droid.get().getRunner().isEmpty() ? spec.getDefaultRunner() : droid.get().getRunner();
      } else {
        runner = ""; // the instance picks the droid, and so the runner: checked at Delegate
      }
      Optional<Autonomy> autonomy = droid.isPresent()
          ? Autonomy.of(droid.get().getAutonomy(), droid.get().getPermissionMode(), runner)
          : Optional.empty();
      PolicyCheck.Ask ask = new PolicyCheck.Ask(runner, autonomy, role, task.run().orElse(""),
          task.work().verify().orElse(""),
          plan.agents().repository().map(PlanModel.Repository::setupCommand).orElse(""), List.of());
      List<PolicyCheck.Violation> violations = PolicyCheck.check(policy, ask);
      if (!violations.isEmpty()) {
        return violations;
      }
    }
    return List.of();
  }

  private static List<Map.Entry<String, String>> paths(PlanModel.Plan plan, PlanModel.Task task) {
    List<Map.Entry<String, String>> paths = new ArrayList<>();
    List<String> copy = plan.agents().repository().map(PlanModel.Repository::setupCopy).orElse(List.of());
    for (int i = 0; i < copy.size(); i++) {
      paths.add(Map.entry("repository.setup.copy[" + i + "]", copy.get(i)));
    }
    for (int i = 0; i < task.deliverables().size(); i++) {
      paths.add(Map.entry("deliverables[" + i + "]", task.deliverables().get(i)));
    }
    task.work().publishes().forEach((name, path) -> paths.add(Map.entry("publishes." + name, path)));
    task.simulation().documents().keySet().forEach(path -> paths.add(Map.entry("simulate.documents", path)));
    return paths;
  }

  /** Refuses the first string anywhere in the plan that has the shape of a key. */
  private static void secrets(Plan plan) {
    for (int i = 0; i < plan.getSpec().getTasksCount(); i++) {
      dev.baton.v1.TaskSpec task = plan.getSpec().getTasks(i);
      String found = find(task, "");
      if (found != null) {
        throw BatonException.invalidArgument("task '" + task.getId() + "' (tasks[" + i + "]): " + found);
      }
    }
    Plan.Builder rest = plan.toBuilder();
    rest.getSpecBuilder().clearTasks();
    String found = find(rest.build(), "");
    if (found != null) {
      throw BatonException.invalidArgument("plan: " + found);
    }
  }

  /** "field: ..." for the first key-shaped string under {@code message}, else null. */
  private static String find(Message message, String prefix) {
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      String name = prefix + f.getName();
      List<?> values = f.isRepeated() ? (List<?>) e.getValue() : List.of(e.getValue());
      for (int i = 0; i < values.size(); i++) {
        String here = f.isRepeated() && !f.isMapField() ? name + "[" + i + "]" : name;
        Object v = values.get(i);
        String hit = null;
        if (v instanceof String s) {
          hit = Redactor.findKeyShape(s).map(kind -> here + ": holds what looks like a secret (" + kind
              + "; expected: no keys or tokens in a plan: give them to the sub-orchestrators with --secrets DIR"
              + " or their environment, and let the droid read them there)").orElse(null);
        } else if (v instanceof Message m) {
          hit = find(m, here + ".");
        }
        if (hit != null) {
          return hit;
        }
      }
    }
    return null;
  }
}
