package dev.baton.runtime.policy;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The rules, in one place for both checks: the master's at ValidatePlan and SubmitPlan (against the
 * policies its registered instances published) and a sub-orchestrator's at Delegate (against its
 * own). Pure: a task's asks in, the violations out, each naming the field and the rule.
 */
public final class PolicyCheck {
  private PolicyCheck() {}

  /**
   * What a task asks for, in the plan's words.
   *
   * @param runner the runner it will run on; empty when not known yet (the master, for a droid the
   *     sub-orchestrator will pick)
   * @param autonomy its agent's autonomy; empty for runners that are not agents, or not known yet
   * @param role the submitter's role the policy weighs: viewer, submitter or admin
   * @param run the {@code run} command, empty for none
   * @param verify the {@code verify} command, empty for none
   * @param setup the repository's set-up command ({@code spec.repository.setup.command}), empty for
   *     none: it runs on the sub-orchestrator like a {@code run}, so {@code commands.run} must allow it
   * @param paths field -> a path it names (deliverables, publishes, simulate.documents, workspace)
   */
  public record Ask(String runner, Optional<Autonomy> autonomy, String role, String run, String verify,
      String setup, List<Map.Entry<String, String>> paths) {
    public Ask(String runner, Optional<Autonomy> autonomy, String role, String run, String verify,
        List<Map.Entry<String, String>> paths) {
      this(runner, autonomy, role, run, verify, "", paths);
    }

    public Ask {
      Objects.requireNonNull(runner, "runner");
      Objects.requireNonNull(autonomy, "autonomy");
      Objects.requireNonNull(role, "role");
      run = run == null ? "" : run;
      verify = verify == null ? "" : verify;
      setup = setup == null ? "" : setup;
      paths = List.copyOf(paths);
    }
  }

  /**
   * One refusal.
   *
   * @param field the plan's field ({@code run}, {@code runner}, {@code deliverables[0]})
   * @param rule the policy's rule, or the fixed rule for paths
   * @param problem what is wrong, with the fix
   */
  public record Violation(String field, String rule, String problem) {
    /** {@code run: `id > /tmp/x` is not allowed (rule commands.run of policy P: ...)}. */
    public String describe() {
      return field + ": " + problem + " (rule " + rule + ")";
    }
  }

  /** Every violation of {@code policy} by {@code ask}; empty when it may run. */
  public static List<Violation> check(DomainPolicy policy, Ask ask) {
    List<Violation> out = new ArrayList<>(paths(ask.paths()));
    String where = " of the " + policy.domain() + " policy (" + policy.source() + ")";
    if (!ask.runner().isEmpty() && !policy.runners().contains(ask.runner())) {
      out.add(new Violation("runner", "runners" + where, "runner '" + ask.runner() + "' is not enabled (enabled: "
          + String.join(", ", policy.runners()) + "; choose an enabled runner or ask the operator to enable it)"));
    }
    if (!ask.run().isEmpty()) {
      command(policy.run(), ask.run(), "run", "commands.run" + where).ifPresent(out::add);
    }
    if (!ask.setup().isEmpty()) {
      command(policy.run(), ask.setup(), "repository.setup.command", "commands.run" + where).ifPresent(out::add);
    }
    if (!ask.verify().isEmpty()) {
      command(policy.verify(), ask.verify(), "verify", "commands.verify" + where).ifPresent(out::add);
    }
    if (ask.autonomy().isPresent()) {
      Autonomy wanted = ask.autonomy().get();
      Optional<Autonomy> max = policy.maxAutonomy(ask.role());
      if (max.isEmpty()) {
        out.add(new Violation("droid", "autonomy." + ask.role() + where, "a submitter with role " + ask.role()
            + " may run no agent (its droid runs at autonomy " + wanted.wireName()
            + "; submit as a role the policy lists under autonomy, or use a sim or command task)"));
      } else if (!wanted.atMost(max.get())) {
        out.add(new Violation("droid", "autonomy." + ask.role() + where, "autonomy " + wanted.wireName()
            + " is above " + max.get().wireName() + ", the highest for role " + ask.role()
            + " (name a droid with lower autonomy, or have a role with more submit it)"));
      }
    }
    return out;
  }

  /** Violations of the fixed rule that paths stay inside the workspace, whatever the policy. */
  public static List<Violation> paths(List<Map.Entry<String, String>> paths) {
    List<Violation> out = new ArrayList<>();
    for (Map.Entry<String, String> p : paths) {
      escape(p.getValue()).ifPresent(problem -> out.add(new Violation(p.getKey(), "paths stay inside the workspace",
          "'" + p.getValue() + "' " + problem + " (expected: a relative path inside the task's workspace)")));
    }
    return out;
  }

  /** Why {@code path} would leave its workspace, or empty when it stays inside. */
  public static Optional<String> escape(String path) {
    if (path.isEmpty()) {
      return Optional.of("is empty");
    }
    if (path.indexOf('\0') >= 0) {
      return Optional.of("holds a NUL character");
    }
    if (path.startsWith("/") || path.startsWith("\\") || path.startsWith("~")) {
      return Optional.of("is absolute");
    }
    try {
      Path p = Path.of(path);
      if (p.isAbsolute()) {
        return Optional.of("is absolute");
      }
      Path normal = p.normalize();
      if (normal.startsWith("..") || normal.toString().isEmpty() && path.contains("..")) {
        return Optional.of("leaves the workspace");
      }
    } catch (InvalidPathException e) {
      return Optional.of("is not a path: " + e.getReason());
    }
    return Optional.empty();
  }

  /** The role a submitter's roles count as: the most privileged of viewer, submitter and admin it holds. */
  public static String role(List<String> roles, boolean openServer) {
    if (roles.isEmpty()) {
      return openServer ? "admin" : "viewer";
    }
    Set<String> held = Set.copyOf(roles.stream().map(r -> r.strip().toLowerCase(java.util.Locale.ROOT)).toList());
    for (String role : List.of("admin", "submitter", "viewer")) {
      if (held.contains(role)) {
        return role;
      }
    }
    return "viewer";
  }

  private static Optional<Violation> command(List<CommandPattern> allowed, String command, String field, String rule) {
    for (CommandPattern p : allowed) {
      if (p.matches(command)) {
        return Optional.empty();
      }
    }
    String listed = allowed.isEmpty() ? "none is allowed"
        : "allowed: " + String.join(", ", allowed.stream().limit(8).map(CommandPattern::toString).toList())
            + (allowed.size() > 8 ? ", ..." : "");
    return Optional.of(new Violation(field, rule, "`" + oneLine(command) + "` is not allowed (" + listed
        + "; use an allowed command, or ask the operator to add it to the policy)"));
  }

  private static String oneLine(String command) {
    String line = command.strip().replace('\n', ' ');
    return line.length() > 120 ? line.substring(0, 117) + "..." : line;
  }
}
