package dev.baton.runtime.security.auth;

import dev.baton.runtime.security.Role;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The access table: for every RPC a Baton server serves, the roles of which a caller needs one.
 * Keyed by full method name and checked against the service descriptors a server really serves
 * ({@link #missing}): a new RPC without a row is refused at the server's start, not left open.
 *
 * <p>People's roles nest: admin has what submitter has, submitter what viewer has ({@link
 * #effective}). Orchestrator and master are separate identities, not ranks.
 */
public final class AccessRules {
  /** No credentials needed: health, so that probes and Consul's checks see the server. */
  public static final Set<Role> PUBLIC = Set.of();

  private static final Set<Role> VIEWER = EnumSet.of(Role.VIEWER);
  private static final Set<Role> SUBMITTER = EnumSet.of(Role.SUBMITTER);
  private static final Set<Role> ORCHESTRATOR = EnumSet.of(Role.ORCHESTRATOR);
  private static final Set<Role> MASTER = EnumSet.of(Role.MASTER);
  private static final Set<Role> ANY_ROLE = EnumSet.allOf(Role.class);

  private static final Map<String, Set<Role>> RULES = rules();

  private AccessRules() {}

  private static Map<String, Set<Role>> rules() {
    Map<String, Set<Role>> r = new LinkedHashMap<>();
    String m = "baton.v1.Master/";
    for (String viewer : List.of("GetPlan", "WatchPlan", "ListPlans", "GetDashboard", "ListOrchestrators")) {
      r.put(m + viewer, VIEWER);
    }
    // CancelPlan: a submitter only its own plans (MasterService checks the owner), an admin any.
    for (String submitter : List.of("SubmitPlan", "ValidatePlan", "CancelPlan")) {
      r.put(m + submitter, SUBMITTER);
    }
    r.put("baton.v1.Coordination/Coordinate", ORCHESTRATOR);
    String s = "baton.v1.SubOrchestrator/";
    for (String master : List.of("Delegate", "WatchExecution", "CancelExecution", "Execute", "ListDroidEvents")) {
      r.put(s + master, MASTER);
    }
    r.put(s + "Describe", EnumSet.of(Role.VIEWER, Role.ORCHESTRATOR, Role.MASTER));
    r.put("baton.v1.Peer/Deliver", ORCHESTRATOR);
    r.put("grpc.health.v1.Health/Check", PUBLIC);
    r.put("grpc.health.v1.Health/Watch", PUBLIC);
    // Reflection describes the API, which is public anyway (the protos); any authenticated caller.
    r.put("grpc.reflection.v1.ServerReflection/ServerReflectionInfo", ANY_ROLE);
    r.put("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", ANY_ROLE);
    return Map.copyOf(r);
  }

  /** The roles of which a caller of {@code fullMethodName} needs one; empty if the table has no row. */
  public static Optional<Set<Role>> required(String fullMethodName) {
    return Optional.ofNullable(RULES.get(fullMethodName));
  }

  /** Every row: full method name -> roles (an empty set: public). */
  public static Map<String, Set<Role>> table() {
    return RULES;
  }

  /** The methods of {@code services} that have no row: a server with any refuses to start. */
  public static List<String> missing(List<ServerServiceDefinition> services) {
    return services.stream()
        .flatMap(s -> s.getServiceDescriptor().getMethods().stream())
        .map(MethodDescriptor::getFullMethodName)
        .filter(name -> !RULES.containsKey(name))
        .toList();
  }

  /** {@code roles} with what they imply: admin -> submitter -> viewer. */
  public static Set<Role> effective(Set<Role> roles) {
    EnumSet<Role> all = roles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles);
    if (all.contains(Role.ADMIN)) {
      all.add(Role.SUBMITTER);
    }
    if (all.contains(Role.SUBMITTER)) {
      all.add(Role.VIEWER);
    }
    return all;
  }
}
