package dev.baton.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.master.plan.PlanCompiler;
import dev.baton.v1.Plan;
import java.util.Locale;

/**
 * What parsing the largest allowed inputs costs (issue 11): SnakeYAML's cost on one long run
 * without a blank (the cause), the plan compiler on the largest inputs it takes or refuses, and a
 * 10,000-task plan's validation time and memory.
 *
 * <pre>
 * java -cp CLASSPATH dev.baton.bench.ParseCostBench     # figures in BENCHMARKS.md, issue 11
 * </pre>
 */
public final class ParseCostBench {
  private ParseCostBench() {}

  public static void main(String[] args) throws Exception {
    System.out.println("# the library alone: Jackson's YAML parser (SnakeYAML) on one scalar of N characters");
    for (int n : new int[] {64 * 1024, 256 * 1024, 1 << 20, 4_000_000}) {
      String yaml = "description: " + "x".repeat(n) + "\n";
      long best = Long.MAX_VALUE;
      for (int i = 0; i < (n > 1 << 20 ? 1 : 3); i++) {
        best = Math.min(best, time(() -> rawParse(yaml)));
      }
      System.out.printf(Locale.ROOT, "raw-yaml-run chars=%d ms=%.1f%n", n, best / 1e6);
    }

    System.out.println("# the plan compiler");
    String oneRun = plan("x".repeat(1_040_000));
    report("compileYaml 1 MiB, one run (refused)", () -> PlanCompiler.compileYaml(oneRun));
    String spaced = planOfWords(16, 60 * 1024);
    report("compileYaml " + spaced.length() / 1024 + " KiB of words (accepted)", () -> PlanCompiler.compileYaml(spaced));
    String tasks = planOfTasks(10_000);
    report("compileYaml 10,000 tasks, " + tasks.length() / 1024 + " KiB (accepted)", () -> PlanCompiler.compileYaml(tasks));
    System.gc();
    Runtime rt = Runtime.getRuntime();
    long before = rt.totalMemory() - rt.freeMemory();
    Object kept = PlanCompiler.compileYaml(tasks);
    System.gc();
    System.out.printf(Locale.ROOT, "a compiled 10,000-task plan retains about %d MiB (%s)%n",
        (rt.totalMemory() - rt.freeMemory() - before) >> 20, kept.getClass().getSimpleName());
    Plan proto = PlanCompiler.parseYaml(tasks);
    report("compile proto 10,000 tasks (accepted)", () -> PlanCompiler.compile(proto));
    Plan twenty = PlanCompiler.parseYaml(planOfTasks(10_000)).toBuilder()
        .setSpec(PlanCompiler.parseYaml(planOfTasks(10_000)).getSpec().toBuilder()
            .addAllTasks(PlanCompiler.parseYaml(planOfTasks(10_000).replace("id: t", "id: u")).getSpec().getTasksList()))
        .build();
    report("compile proto 20,000 tasks (refused)", () -> PlanCompiler.compile(twenty));
  }

  private static void rawParse(String yaml) {
    org.yaml.snakeyaml.LoaderOptions loader = new org.yaml.snakeyaml.LoaderOptions();
    loader.setCodePointLimit(64 << 20);
    YAMLFactory f = YAMLFactory.builder().loaderOptions(loader)
        .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(64 << 20).build()).build();
    try (JsonParser p = f.createParser(yaml)) {
      while (p.nextToken() != null) {
        p.getText();
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void report(String what, Runnable r) {
    for (int i = 0; i < 3; i++) { // warm up
      attempt(r);
    }
    var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long best = Long.MAX_VALUE;
    long allocated = Long.MAX_VALUE;
    String outcome = "";
    for (int i = 0; i < 5; i++) {
      long a0 = threads.getThreadAllocatedBytes(id);
      long t0 = System.nanoTime();
      outcome = attempt(r);
      best = Math.min(best, System.nanoTime() - t0);
      allocated = Math.min(allocated, threads.getThreadAllocatedBytes(id) - a0);
    }
    System.out.printf(Locale.ROOT, "%s: best of 5 %.1f ms, %d MiB allocated per run; %s%n", what, best / 1e6,
        allocated >> 20, outcome);
  }

  private static String attempt(Runnable r) {
    try {
      r.run();
      return "accepted";
    } catch (RuntimeException e) {
      String m = e.getMessage();
      return "refused: " + (m.length() > 90 ? m.substring(0, 90) + "..." : m);
    }
  }

  private static long time(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return System.nanoTime() - t0;
  }

  private static String plan(String description) {
    return "apiVersion: baton.dev/v1\nkind: Plan\nmetadata:\n  name: big\n  description: " + description
        + "\nspec:\n  tasks:\n    - id: a\n      description: A\n      orchestrator: backend\n      estimate: 1m\n";
  }

  private static String planOfWords(int tasks, int bytes) {
    StringBuilder b = new StringBuilder("apiVersion: baton.dev/v1\nkind: Plan\nmetadata:\n  name: words\nspec:\n  tasks:\n");
    String words = "lorem ipsum dolor sit amet ".repeat(bytes / 27);
    for (int i = 0; i < tasks; i++) {
      b.append("    - id: t").append(i).append("\n      description: ").append(words)
          .append("\n      orchestrator: backend\n      estimate: 1m\n");
    }
    return b.toString();
  }

  static String planOfTasks(int n) {
    StringBuilder b = new StringBuilder("apiVersion: baton.dev/v1\nkind: Plan\nmetadata:\n  name: wide\nspec:\n  tasks:\n");
    for (int i = 0; i < n; i++) {
      b.append("    - {id: t").append(i).append(", description: Task ").append(i)
          .append(", orchestrator: backend, estimate: 1m").append(i > 0 ? ", dependsOn: [t" + (i - 1) / 2 + "]" : "")
          .append("}\n");
    }
    return b.toString();
  }
}
