package dev.baton.runtime.policy;

import dev.baton.v1.DroidPolicySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A droid policy resolved for one domain: what a sub-orchestrator of that domain enforces at
 * Delegate and publishes to the master (as {@link DroidPolicySpec}) for validation. Immutable.
 *
 * @param source where it came from: a file path, or {@value DroidPolicy#BUILT_IN}
 * @param domain the domain it was resolved for
 * @param runners the enabled runners
 * @param run allowed {@code run} commands (none: no {@code run} allowed)
 * @param verify allowed {@code verify} commands (none: no {@code verify} allowed)
 * @param maxAutonomy submitter role (viewer, submitter, admin) -> the highest autonomy of its
 *     tasks' agents; a role not listed may run no agent
 * @param pass names of variables of the sub-orchestrator's environment handed on, when set
 * @param set fixed variables handed on (over a passed one of the same name)
 * @param network whether commands and verify may use the network (agents always may: they reach their model)
 */
public record DomainPolicy(
    String source,
    String domain,
    Set<String> runners,
    List<CommandPattern> run,
    List<CommandPattern> verify,
    Map<String, Autonomy> maxAutonomy,
    List<String> pass,
    Map<String, String> set,
    boolean network) {

  /** Patterns per list read from a published policy; more are left out (stricter). */
  public static final int MAX_PATTERNS = 256;

  public DomainPolicy {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(domain, "domain");
    runners = java.util.Collections.unmodifiableSet(new TreeSet<>(runners));
    run = List.copyOf(run);
    verify = List.copyOf(verify);
    maxAutonomy = Map.copyOf(maxAutonomy);
    pass = List.copyOf(pass);
    set = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(set));
  }

  /** The highest autonomy of {@code role}'s tasks, or empty when it may run no agent. */
  public Optional<Autonomy> maxAutonomy(String role) {
    return Optional.ofNullable(maxAutonomy.get(role));
  }

  /**
   * The environment droids and commands get: each {@link #pass} variable that {@code host} sets,
   * then the {@link #set} values. Nothing else of the sub-orchestrator's environment.
   */
  public Map<String, String> environment(Map<String, String> host) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : pass) {
      String value = host.get(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.putAll(set);
    return env;
  }

  /** As published to the master: no environment values, only their names. */
  public DroidPolicySpec toProto() {
    DroidPolicySpec.Builder b = DroidPolicySpec.newBuilder()
        .setSource(source)
        .addAllRunners(runners)
        .setNetwork(network);
    run.forEach(p -> b.addRun(proto(p)));
    verify.forEach(p -> b.addVerify(proto(p)));
    new TreeMap<>(maxAutonomy).forEach((role, level) -> b.putMaxAutonomy(role, level.wireName()));
    TreeSet<String> names = new TreeSet<>(pass);
    names.addAll(set.keySet());
    b.addAllEnvironment(names);
    return b.build();
  }

  /**
   * A policy as an instance published it. Bad patterns or words (a newer or hostile instance) are
   * left out, which only makes the master stricter; the instance itself still decides at Delegate.
   */
  public static DomainPolicy fromProto(String domain, DroidPolicySpec spec) {
    Map<String, Autonomy> autonomy = new LinkedHashMap<>();
    spec.getMaxAutonomyMap().forEach((role, level) -> Autonomy.parse(level).ifPresent(a -> autonomy.put(role, a)));
    return new DomainPolicy(spec.getSource(), domain, new TreeSet<>(spec.getRunnersList()),
        patterns(spec.getRunList()), patterns(spec.getVerifyList()), autonomy, spec.getEnvironmentList(), Map.of(),
        spec.getNetwork());
  }

  private static List<CommandPattern> patterns(List<dev.baton.v1.CommandPattern> protos) {
    List<CommandPattern> out = new ArrayList<>();
    for (dev.baton.v1.CommandPattern p : protos.stream().limit(MAX_PATTERNS).toList()) {
      Optional<CommandPattern.Syntax> syntax = CommandPattern.Syntax.parse(p.getSyntax());
      if (syntax.isEmpty()) {
        continue;
      }
      try {
        out.add(CommandPattern.of(syntax.get(), p.getPattern()));
      } catch (IllegalArgumentException ignored) {
        // left out: stricter
      }
    }
    return out;
  }

  private static dev.baton.v1.CommandPattern proto(CommandPattern p) {
    return dev.baton.v1.CommandPattern.newBuilder().setSyntax(p.syntax().wireName()).setPattern(p.pattern()).build();
  }
}
