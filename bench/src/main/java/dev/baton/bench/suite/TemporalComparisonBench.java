package dev.baton.bench.suite;

import java.util.ArrayList;
import java.util.List;

/**
 * Figure 9: Baton beside a peer, now that both are durable. The same no-op plans (one task; N in
 * parallel; a chain of M) through Temporal's dev server with a Java SDK worker and through a Baton
 * mesh of separate processes, in one run, one system at a time (the others stopped, so none takes
 * the 2 cores from another), each warmed up first. Times are what a client sees, start call to
 * result.
 */
final class TemporalComparisonBench {
  /** What {@code --journal} is given when Baton runs with its journal ({@code {run}}: the mesh's run directory). */
  static final List<String> JOURNAL_ARGS = List.of("--journal", "{run}/journal.db");
  /** In memory: said explicitly, since the launcher journals into the run directory by default. */
  static final List<String> MEMORY_ARGS = List.of("--journal", "memory");

  private TemporalComparisonBench() {}

  /** One system's samples, in ms. */
  record Measured(String label, List<Double> oneTask, List<Double> parallel, List<Double> chain) {}

  /** The Baton configurations to run: in memory, and with its journal when {@code journal} asks for it. */
  record BatonConfig(String label, List<String> masterArgs) {}

  static List<BatonConfig> batonConfigs(PeerOptions.Journal journal) {
    List<BatonConfig> configs = new ArrayList<>(List.of(new BatonConfig("Baton (in memory)", MEMORY_ARGS)));
    boolean accepted = journal != PeerOptions.Journal.OFF && BatonPeer.masterAccepts("--journal");
    if (journal == PeerOptions.Journal.ON && !accepted) {
      throw new IllegalStateException("--baton-journal on: this build's `baton master --help` lists no --journal"
          + " (expected: the durable journal of issue 10); use --baton-journal auto or off");
    }
    if (accepted) {
      configs.add(new BatonConfig("Baton (journal)", JOURNAL_ARGS));
    }
    return configs;
  }

  static void run(Report report, PeerOptions o) {
    String temporalVersion = TemporalDevServer.version(o.temporalBinary()); // fails first if it is missing
    List<BatonConfig> batons = batonConfigs(o.batonJournal());
    NoOpPlan one = NoOpPlan.one();
    NoOpPlan parallel = NoOpPlan.parallel(o.parallelTasks());
    NoOpPlan chain = NoOpPlan.chain(o.chainTasks());
    report.section("9. Baton beside Temporal", "The same no-op plans through `" + temporalVersion
        + "` (`server start-dev --headless" + (o.temporalServerArgs().isEmpty() ? "" : " "
        + String.join(" ", o.temporalServerArgs())) + "`, its own process; store per column) with a Java SDK "
        + io.temporal.serviceclient.Version.LIBRARY_VERSION + " worker and client in the bench's JVM (one task"
        + " queue, default worker options: " + TemporalPeer.workerDefaults() + "; one workflow per plan, one"
        + " activity per task, no retries), and through Baton: master and four sub-orchestrators as five JVMs"
        + " (MeshLauncher as `baton up`: `" + String.join(" ", dev.baton.cli.mesh.JavaCommand.DEFAULT_JVM_OPTIONS)
        + "`; `" + String.join(" ", BatonPeer.ORCHESTRATOR_ARGS) + "`), sim droids at time scale " + PlanGen.NO_OP_SCALE
        + " on a 1 s estimate, every task on the " + BatonPeer.DOMAIN + " sub-orchestrator (one process does the"
        + " work, as the one worker does for Temporal), strategy parallel, no retries"
        + describe(batons) + ". Client time from the start call to the result: Temporal `WorkflowClient.start`"
        + " to `getResult`; Baton `SubmitPlan` to `PlanFinished` on `WatchPlan`. One system at a time, each"
        + " after " + o.warmupRuns() + " one-task runs and one run of each bigger plan; one task: "
        + o.oneTaskRuns() + " runs; the others: median of " + o.repetitions() + ". Every run is checked: all"
        + " tasks done exactly once (worker's activity count and the workflow's result; Baton's final status).");
    List<Measured> columns = new ArrayList<>();
    for (TemporalDevServer.Store store : o.temporalStores()) {
      try (TemporalPeer temporal = TemporalPeer.start(o.temporalBinary(), store, o.temporalServerArgs())) {
        columns.add(measure(temporal, o, one, parallel, chain));
      }
    }
    for (BatonConfig config : batons) {
      try (BatonPeer baton = BatonPeer.start(config.label(), config.masterArgs())) {
        columns.add(measure(baton, o, one, parallel, chain));
      }
    }
    List<String> header = new ArrayList<>(List.of("plan, figure"));
    columns.forEach(c -> header.add(c.label()));
    report.header(header.toArray(String[]::new));
    row(report, columns, "one task: p50 ms", c -> Stats.percentile(c.oneTask(), 50));
    row(report, columns, "one task: p99 ms", c -> Stats.percentile(c.oneTask(), 99));
    row(report, columns, parallel.label() + ": median ms", c -> Stats.percentile(c.parallel(), 50));
    rowText(report, columns, parallel.label() + ": min / max ms", c -> range(c.parallel()));
    row(report, columns, parallel.label() + ": tasks/s (median run)",
        c -> parallel.tasks() / Stats.percentile(c.parallel(), 50) * 1000);
    row(report, columns, chain.label() + ": median ms", c -> Stats.percentile(c.chain(), 50));
    rowText(report, columns, chain.label() + ": min / max ms", c -> range(c.chain()));
    row(report, columns, chain.label() + ": ms per step (median run)",
        c -> Stats.percentile(c.chain(), 50) / chain.tasks());
  }

  private static String describe(List<BatonConfig> batons) {
    StringBuilder s = new StringBuilder();
    for (BatonConfig b : batons) {
      s.append("; ").append(b.label()).append(": master args `")
          .append(b.masterArgs().isEmpty() ? "(none)" : String.join(" ", b.masterArgs())).append('`');
    }
    if (batons.size() == 1) {
      s.append("; no journal column: this build's `baton master` has no --journal");
    }
    return s.toString();
  }

  static Measured measure(PeerSystem system, PeerOptions o, NoOpPlan one, NoOpPlan parallel, NoOpPlan chain) {
    for (int i = 0; i < o.warmupRuns(); i++) {
      system.run(one);
    }
    system.run(parallel);
    system.run(chain);
    List<Double> oneMs = new ArrayList<>();
    for (int i = 0; i < o.oneTaskRuns(); i++) {
      oneMs.add(system.run(one).millis());
    }
    List<Double> parallelMs = new ArrayList<>();
    List<Double> chainMs = new ArrayList<>();
    for (int i = 0; i < o.repetitions(); i++) {
      parallelMs.add(system.run(parallel).millis());
      chainMs.add(system.run(chain).millis());
    }
    return new Measured(system.label(), oneMs, parallelMs, chainMs);
  }

  private static void row(Report report, List<Measured> columns, String label,
      java.util.function.ToDoubleFunction<Measured> value) {
    List<Object> cells = new ArrayList<>(List.of(label));
    columns.forEach(c -> cells.add(value.applyAsDouble(c)));
    report.row(cells.toArray());
  }

  private static void rowText(Report report, List<Measured> columns, String label,
      java.util.function.Function<Measured, String> value) {
    List<Object> cells = new ArrayList<>(List.of(label));
    columns.forEach(c -> cells.add(value.apply(c)));
    report.row(cells.toArray());
  }

  private static String range(List<Double> ms) {
    double min = ms.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    double max = ms.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    return Report.fmt(min) + " / " + Report.fmt(max);
  }
}
