package dev.baton.bench.suite;

import dev.baton.master.plan.PlanCompiler;
import dev.baton.master.plan.PlanModel;
import dev.baton.v1.Plan;
import dev.baton.v1.PlanMetadata;
import dev.baton.v1.PlanSpec;
import dev.baton.v1.RetryPolicySpec;
import dev.baton.v1.TaskSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The plans the suite runs, built as {@code baton.v1.Plan} protos and compiled like SubmitPlan does. */
final class PlanGen {
  /** Makes a 1 s estimate take 0 ms of wall clock in the sim droid: a no-op task. */
  static final double NO_OP_SCALE = 1e-6;

  enum Shape {
    /** Four levels: a lot of parallelism. */
    WIDE,
    /** Ten tasks per level: long chains, the critical path dominates. */
    DEEP,
    /** About sqrt(n) levels of uneven width. */
    MIXED
  }

  private PlanGen() {}

  static PlanModel.Plan compile(Plan proto) {
    return PlanCompiler.compileTrusted(proto);
  }

  /** {@code tasks} independent no-op tasks spread round robin over the four domains. */
  static Plan noOps(String name, int tasks, int seed) {
    PlanSpec.Builder spec = spec("parallel");
    for (int i = 0; i < tasks; i++) {
      spec.addTasks(task("t" + i, Mesh.DOMAINS.get(i % 4), "1s"));
    }
    return plan(name, spec);
  }

  /**
   * {@code tasks} no-op tasks all on {@code domain}: independent, or one chain (each depends on the
   * one before).
   */
  static Plan noOpsOn(String name, int tasks, String domain, boolean chain) {
    PlanSpec.Builder spec = spec("parallel");
    for (int i = 0; i < tasks; i++) {
      TaskSpec.Builder t = task("t" + i, domain, "1s");
      if (chain && i > 0) {
        t.addDependsOn("t" + (i - 1));
      }
      spec.addTasks(t);
    }
    return plan(name, spec);
  }

  /**
   * A seeded random layered plan: every task of level k &gt; 0 depends on 1 to 3 tasks of level k-1,
   * domains uniform, estimates 1 to 10 minutes.
   */
  static Plan layered(String name, Shape shape, int tasks, long seed) {
    Random random = new Random(seed);
    int levels = switch (shape) {
      case WIDE -> Math.min(4, tasks);
      case DEEP -> Math.max(1, tasks / 10);
      case MIXED -> Math.max(1, (int) Math.round(Math.sqrt(tasks)));
    };
    // Sizes per level: equal (wide, deep) or random weights (mixed), every level at least one task.
    int[] size = new int[levels];
    double[] weight = new double[levels];
    double sum = 0;
    for (int l = 0; l < levels; l++) {
      weight[l] = shape == Shape.MIXED ? 0.2 + random.nextDouble() * 1.8 : 1;
      sum += weight[l];
    }
    int assigned = 0;
    for (int l = 0; l < levels; l++) {
      size[l] = 1;
      assigned++;
    }
    for (int l = 0; l < levels && assigned < tasks; l++) {
      int extra = (int) Math.min(tasks - assigned, Math.floor(weight[l] / sum * (tasks - levels)));
      size[l] += extra;
      assigned += extra;
    }
    for (int l = 0; assigned < tasks; l = (l + 1) % levels) {
      size[l]++;
      assigned++;
    }
    PlanSpec.Builder spec = spec("parallel");
    List<String> previous = List.of();
    int n = 0;
    for (int l = 0; l < levels; l++) {
      List<String> current = new ArrayList<>();
      for (int i = 0; i < size[l]; i++) {
        String id = "t" + (n++);
        TaskSpec.Builder t = task(id, Mesh.DOMAINS.get(random.nextInt(4)), (1 + random.nextInt(10)) + "m");
        if (!previous.isEmpty()) {
          int deps = 1 + random.nextInt(Math.min(3, previous.size()));
          java.util.Set<String> chosen = new java.util.LinkedHashSet<>();
          while (chosen.size() < deps) {
            chosen.add(previous.get(random.nextInt(previous.size())));
          }
          t.addAllDependsOn(chosen);
        }
        spec.addTasks(t);
        current.add(id);
      }
      previous = current;
    }
    return plan(name, spec);
  }

  /** The same tasks without dependencies: one level of the level-synchronous baseline. */
  static Plan level(PlanModel.Plan plan, List<String> taskIds, String name) {
    return level(plan, taskIds, name, "parallel");
  }

  /** As {@link #level(PlanModel.Plan, List, String)}, run under {@code strategy}. */
  static Plan level(PlanModel.Plan plan, List<String> taskIds, String name, String strategy) {
    Map<String, PlanModel.Task> byId = new HashMap<>();
    plan.tasks().forEach(t -> byId.put(t.id(), t));
    PlanSpec.Builder spec = spec(strategy);
    for (String id : taskIds) {
      PlanModel.Task t = byId.get(id);
      spec.addTasks(task(id, t.domain(), Math.max(1, t.estimate().toSeconds()) + "s"));
    }
    return plan(name, spec);
  }

  /** The e-commerce example, compiled. */
  static PlanModel.Plan ecommerce() {
    return PlanCompiler.compileYaml(ecommerceYaml());
  }

  /** examples/ecommerce.yaml, found from the working directory up. */
  static String ecommerceYaml() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path p = dir.resolve("examples/ecommerce.yaml");
      if (Files.isRegularFile(p)) {
        try {
          return Files.readString(p);
        } catch (IOException e) {
          throw new IllegalStateException("cannot read " + p, e);
        }
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("examples/ecommerce.yaml not found above " + Path.of("").toAbsolutePath());
  }

  /**
   * The lower bound on any schedule's makespan, in plan minutes: max(critical path, each domain's
   * work / its slots). The per-domain term is never below the total work / total capacity
   * (it is that bound with the domains' tasks kept on their domains), so the ratio is no easier.
   */
  static double lowerBoundMinutes(PlanModel.Plan plan, int slotsPerDomain) {
    Map<String, Double> work = new HashMap<>();
    for (PlanModel.Task t : plan.tasks()) {
      work.merge(t.domain(), t.estimate().toMillis() / 60_000.0, Double::sum);
    }
    double bound = plan.analysis().criticalPathMinutes();
    for (double w : work.values()) {
      bound = Math.max(bound, w / slotsPerDomain);
    }
    return bound;
  }

  /** Total work / total capacity, the second term, for the report. */
  static double workBoundMinutes(PlanModel.Plan plan, int totalSlots) {
    return plan.tasks().stream().mapToDouble(t -> t.estimate().toMillis() / 60_000.0).sum() / totalSlots;
  }

  private static PlanSpec.Builder spec(String strategy) {
    return PlanSpec.newBuilder().setStrategy(strategy).setDelegationPolicy("score")
        .setRetry(RetryPolicySpec.newBuilder().setMaxRetries(0).setBackoff("1s"));
  }

  private static TaskSpec.Builder task(String id, String domain, String estimate) {
    return TaskSpec.newBuilder().setId(id).setDescription("Build " + id).setOrchestrator(domain)
        .setEstimate(estimate);
  }

  private static Plan plan(String name, PlanSpec.Builder spec) {
    return Plan.newBuilder().setApiVersion("baton.dev/v1").setKind("Plan")
        .setMetadata(PlanMetadata.newBuilder().setName(name)).setSpec(spec).build();
  }
}
