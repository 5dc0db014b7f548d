package dev.baton.bench.suite;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs the issue-5 figures (1-5), the issue-9 git and agent figures (6-8) and the issue-11 security figure (10) and the issue-13 metrics and tracing overhead (11) side by side in one JVM and prints them as markdown:
 * {@code java -cp bench/target/benchmarks.jar dev.baton.bench.suite.BenchSuite [--quick] [--only 1,2,...,9]}.
 * {@code --quick} runs every figure small (the test command runs it to prove the harness; no
 * thresholds). Full figures take several minutes on 2 cores. Figure 9 (Baton beside Temporal, issue
 * 10) runs only when named ({@code --only 9}): it needs the Temporal CLI, which the test command does
 * not build ({@code scripts/install-tools.sh --temporal}).
 */
public final class BenchSuite {
  private BenchSuite() {}

  /** The options: quick mode, which figures (1..11; 9 only when named) and their sizes. */
  public record Options(boolean quick, Set<Integer> only, List<Integer> costSizes, List<Integer> qualitySizes,
      int throughputTasks, List<Integer> gitSizes, int gitHistory, int chainTasks, int agents, int agentRepoFiles,
      PeerOptions peer) {
    static Options parse(String... args) {
      boolean quick = false;
      Set<Integer> only = new LinkedHashSet<>(List.of(1, 2, 3, 4, 5, 6, 7, 8, 10, 11));
      List<Integer> cost = null;
      List<Integer> quality = null;
      Integer throughput = null;
      List<Integer> git = null;
      Integer history = null;
      Integer chain = null;
      Integer agents = null;
      Integer agentRepoFiles = null;
      List<String> peer = new java.util.ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        if (PeerOptions.owns(args[i])) {
          peer.add(args[i]);
          peer.add(value(args, ++i, args[i - 1]));
          continue;
        }
        switch (args[i]) {
          case "--quick" -> quick = true;
          case "--only" -> only = new LinkedHashSet<>(ints(value(args, ++i, "--only")));
          case "--cost-sizes" -> cost = ints(value(args, ++i, "--cost-sizes"));
          case "--quality-sizes" -> quality = ints(value(args, ++i, "--quality-sizes"));
          case "--throughput-tasks" -> throughput = Integer.parseInt(value(args, ++i, "--throughput-tasks"));
          case "--git-sizes" -> git = ints(value(args, ++i, "--git-sizes"));
          case "--git-history" -> history = Integer.parseInt(value(args, ++i, "--git-history"));
          case "--chain-tasks" -> chain = Integer.parseInt(value(args, ++i, "--chain-tasks"));
          case "--agents" -> agents = Integer.parseInt(value(args, ++i, "--agents"));
          case "--agent-repo-files" -> agentRepoFiles = Integer.parseInt(value(args, ++i, "--agent-repo-files"));
          default -> throw new IllegalArgumentException("unknown option '" + args[i]
              + "' (expected: --quick, --only 1,2,..., --cost-sizes N,..., --quality-sizes N,..., --throughput-tasks N,"
              + " --git-sizes N,..., --git-history N, --chain-tasks N, --agents N, --agent-repo-files N, "
              + PeerOptions.USAGE + ")");
        }
      }
      return new Options(quick, only,
          cost != null ? cost : quick ? List.of(200) : List.of(1_000, 10_000, 100_000),
          quality != null ? quality : quick ? List.of(100) : List.of(100, 1_000, 10_000),
          throughput != null ? throughput : quick ? 200 : 60_000,
          git != null ? git : quick ? List.of(200) : List.of(10_000, 100_000),
          history != null ? history : quick ? 2 : 100,
          chain != null ? chain : quick ? 3 : 51,
          agents != null ? agents : quick ? 3 : 50,
          agentRepoFiles != null ? agentRepoFiles : quick ? 20 : 1_000,
          PeerOptions.parse(quick, peer));
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }

    private static List<Integer> ints(String csv) {
      return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }
  }

  public static void main(String[] args) throws Exception {
    run(Options.parse(args), System.out);
    System.exit(0);
  }

  /** Runs the chosen figures and returns the report; a figure that fails aborts the run. */
  public static String run(Options o) throws Exception {
    return run(o, null);
  }

  /** As {@link #run(Options)}, printing each figure to {@code echo} as soon as it is measured. */
  static String run(Options o, java.io.PrintStream echo) throws Exception {
    Report report = new Report(echo);
    report.line("Baton benchmark suite" + (o.quick() ? " (--quick: harness check, not figures)" : "") + ", "
        + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME) + ", "
        + Runtime.getRuntime().availableProcessors() + " processors, Java " + System.getProperty("java.version")
        + ", max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
    if (o.only().contains(1)) {
      DelegationBench.run(report, o.quick());
    }
    if (o.only().contains(2)) {
      ThroughputBench.run(report, o.quick(), o.throughputTasks());
    }
    if (o.only().contains(3)) {
      QualityBench.run(report, o.quick(), o.qualitySizes(), o.quick() ? 0.3 : 3);
    }
    if (o.only().contains(4)) {
      SchedulerCostBench.run(report, o.costSizes());
    }
    if (o.only().contains(5)) {
      BarrierBench.run(report, o.quick());
    }
    if (o.only().contains(6)) {
      GitScaleBench.run(report, o.gitSizes(), o.gitHistory(), o.quick());
    }
    if (o.only().contains(7)) {
      DispatchLatencyBench.run(report, o.quick(), o.agentRepoFiles(), o.chainTasks());
    }
    if (o.only().contains(8)) {
      ConcurrentAgentsBench.run(report, o.agents(), o.agentRepoFiles(), o.quick());
    }
    if (o.only().contains(9)) {
      TemporalComparisonBench.run(report, o.peer());
    }
    if (o.only().contains(10)) {
      SecurityBench.run(report, o.quick(), o.quick() ? 200 : 20_000);
    }
    if (o.only().contains(11)) {
      ObservabilityBench.run(report, o.quick(), o.quick() ? 200 : 20_000);
    }
    return report.toString();
  }

  /** For the quick test: the options of {@code --quick}. */
  public static Options quick() {
    return Options.parse("--quick");
  }
}
