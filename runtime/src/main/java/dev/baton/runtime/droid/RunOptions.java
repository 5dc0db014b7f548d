package dev.baton.runtime.droid;

import dev.baton.runtime.policy.Autonomy;
import dev.baton.runtime.policy.DroidPolicy;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a task's processes run, as the sub-orchestrator's droid policy decided at Delegate: the
 * environment commands and {@code verify} get (nothing else of the sub-orchestrator's leaks),
 * whether they may use the network, and the highest autonomy an agent may run at (checked again
 * once a repository's own droid definition is known).
 *
 * <p>{@code network} is honoured by the task's process container ({@code containment.Container#network}):
 * a network namespace where the containment has one; where it has none, a process of a task whose
 * policy forbids the network does not start, and says so.
 *
 * @param environment the variables a command or verify gets, besides Baton's {@code BATON_*}
 * @param network whether its processes may use the network
 * @param maxAutonomy the highest autonomy of its agent; null: no limit
 */
public record RunOptions(Map<String, String> environment, boolean network, Autonomy maxAutonomy) {
  public RunOptions {
    environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
  }

  /** The built-in policy's: its environment allowlist from this process, the network, no autonomy limit. */
  public static RunOptions defaults() {
    return DEFAULTS;
  }

  private static final RunOptions DEFAULTS =
      new RunOptions(DroidPolicy.builtIn().forDomain("").environment(System.getenv()), true, null);

  /** Replaces {@code env} (a process builder's, inherited) by this environment. */
  public void applyTo(Map<String, String> env) {
    env.clear();
    env.putAll(environment);
  }
}
