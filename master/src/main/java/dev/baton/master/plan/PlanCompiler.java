package dev.baton.master.plan;

import dev.baton.v1.Plan;
import dev.baton.runtime.limits.BatonBounds;
import dev.baton.runtime.limits.BoundsException;

/**
 * The one way into a runnable plan: YAML text or the {@code baton.v1.Plan} proto in, a validated,
 * routed and analysed {@link PlanModel.Plan} out, or a {@link PlanException} whose message names
 * the place, the problem and what is expected. Both inputs meet in the proto and pass through the
 * same validator, so a plan means the same whether it came from a file or over gRPC.
 *
 * <p>Untrusted input is bounded before it is parsed: at most {@link #MAX_PLAN_BYTES} bytes, nesting
 * and aliases limited (see {@code YamlTreeReader}), at most 10,000 tasks, every field within BatonBounds. Stateless and thread-safe;
 * the methods are static, the constructor is there for callers that prefer an instance.
 */
public final class PlanCompiler {
  /**
   * The largest plan accepted, YAML or serialized proto: 1 MiB ({@code BatonBounds.PLAN_BYTES}, as
   * the proto says), room for the 10,000 tasks the validator allows with short descriptions (a
   * generated 10,000-task plan, each task with one dependency, is about 0.95 MiB of YAML).
   */
  public static final int MAX_PLAN_BYTES = BatonBounds.PLAN_BYTES;

  public PlanCompiler() {}

  /** Parses, validates, routes and analyses a YAML plan. */
  public static PlanModel.Plan compileYaml(String yaml) {
    return compileYaml(yaml, java.util.function.UnaryOperator.identity());
  }

  /** Like {@link #compileYaml(String)}, with {@code overrides} applied to the parsed plan before validation. */
  public static PlanModel.Plan compileYaml(String yaml, java.util.function.UnaryOperator<Plan> overrides) {
    YamlTreeReader.Tree tree = YamlTreeReader.read(yaml == null ? "" : yaml);
    Plan plan = overrides.apply(toProto(tree));
    bounds(plan, tree.places());
    return PlanValidator.validate(plan, tree.places());
  }

  /** Validates, routes and analyses a plan received as a proto (messages then carry no lines). */
  public static PlanModel.Plan compile(Plan proto) {
    int size = proto.getSerializedSize();
    if (size > MAX_PLAN_BYTES) {
      throw new PlanException("", "plan: " + dev.baton.runtime.limits.MessageBounds.size(size) + " in all (expected: at most "
          + dev.baton.runtime.limits.MessageBounds.size(MAX_PLAN_BYTES) + ")");
    }
    bounds(proto, Places.NONE);
    return PlanValidator.validate(proto, Places.NONE);
  }

  /**
   * Like {@link #compile(Plan)} for a plan of the master's own making (one it journaled, a
   * benchmark's): neither its size nor its number of tasks is bounded.
   */
  public static PlanModel.Plan compileTrusted(Plan proto) {
    return PlanValidator.validateTrusted(proto);
  }

  /** Every field of the plan within the bounds every server applies (BatonBounds), named by its path. */
  private static void bounds(Plan plan, Places places) {
    try {
      BatonBounds.standard().check(plan, "");
    } catch (BoundsException e) {
      String m = e.getMessage();
      throw places.fail(e.field(), m.startsWith(e.field() + ": ") ? m.substring(e.field().length() + 2) : m);
    }
  }

  /**
   * A task added to a running plan, rebuilt from the spec its TaskAdded event recorded (a master
   * resuming the plan): the task as the engine ran it, with the routing the event names.
   *
   * @param knownIds the plan's task ids so far (its dependencies must be among them)
   */
  public static PlanModel.Task compileAdded(dev.baton.v1.TaskSpec spec, int index, java.util.List<String> knownIds,
      dev.baton.v1.RoutingDecision routing) {
    PlanModel.Task t = PlanValidator.added(spec, index, knownIds);
    PlanModel.Routing r = new PlanModel.Routing(routing.getOrchestrator().isEmpty() ? t.domain() : routing.getOrchestrator(),
        routing.getReason(), routing.getExplicit(), 1.0);
    return new PlanModel.Task(t.id(), t.index(), t.description(), r.domain(), r, t.droid(), t.estimate(), t.priority(),
        t.dependsOn(), t.requirements(), t.constraints(), t.deliverables(), t.run(), t.timeout(), t.simulation(), t.work());
  }

  /**
   * The YAML plan as the proto, field for field as written (no defaults, no validation beyond
   * YAML syntax, known fields and value shapes): what a client sends in {@code SubmitPlan}.
   */
  public static Plan parseYaml(String yaml) {
    return toProto(YamlTreeReader.read(yaml == null ? "" : yaml));
  }

  private static Plan toProto(YamlTreeReader.Tree tree) {
    Plan.Builder builder = Plan.newBuilder();
    new TreeToProto(tree.places()).merge(tree.root(), builder, "");
    return builder.build();
  }
}
