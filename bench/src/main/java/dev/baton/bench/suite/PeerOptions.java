package dev.baton.bench.suite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Figure 9's options (Baton beside Temporal), parsed from the suite's {@code --peer-*},
 * {@code --temporal-*} and {@code --baton-journal} arguments; every count has a bound and a
 * message naming it.
 *
 * @param oneTaskRuns samples of the one-task plan per system (after {@code warmupRuns})
 * @param warmupRuns one-task runs per system before measuring (plus one run of each bigger plan)
 * @param repetitions measured runs of the parallel plan and of the chain per system (median reported)
 * @param parallelTasks tasks of the parallel plan, at most {@link NoOpPlan#MAX_TASKS}
 * @param chainTasks tasks of the chain, at most {@link NoOpPlan#MAX_TASKS}
 * @param temporalBinary the Temporal CLI
 * @param temporalStores the dev server's stores to measure, in order
 * @param temporalServerArgs extra arguments of {@code temporal server start-dev} (e.g. a
 *     {@code --dynamic-config-value}), each given by one {@code --temporal-server-arg}
 * @param batonJournal whether Baton runs a second time with its journal
 */
record PeerOptions(int oneTaskRuns, int warmupRuns, int repetitions, int parallelTasks, int chainTasks,
    Path temporalBinary, List<TemporalDevServer.Store> temporalStores, List<String> temporalServerArgs,
    Journal batonJournal) {
  /** The options this record reads, for the suite's error message. */
  static final String USAGE = "--peer-runs N, --peer-warmup N, --peer-reps N, --peer-parallel N, --peer-chain N,"
      + " --temporal-bin PATH, --temporal-stores file,memory, --temporal-server-arg ARG (repeatable),"
      + " --baton-journal auto|on|off";

  /** When Baton runs a second time, with {@code --journal}. */
  enum Journal {
    /** When {@code baton master --help} lists {@code --journal}. */
    AUTO,
    /** Always: fails when the master does not know {@code --journal}. */
    ON,
    /** Never: Baton in memory only. */
    OFF
  }

  PeerOptions {
    bound("--peer-runs", oneTaskRuns, 1, 100_000);
    bound("--peer-warmup", warmupRuns, 0, 100_000);
    bound("--peer-reps", repetitions, 1, 1_000);
    bound("--peer-parallel", parallelTasks, 1, NoOpPlan.MAX_TASKS);
    bound("--peer-chain", chainTasks, 1, NoOpPlan.MAX_TASKS);
    temporalStores = List.copyOf(temporalStores);
    temporalServerArgs = List.copyOf(temporalServerArgs);
    if (temporalStores.isEmpty()) {
      throw new IllegalArgumentException("--temporal-stores: empty (expected: file, memory or file,memory)");
    }
  }

  private static void bound(String option, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(option + ": " + value + " (expected: " + min + ".." + max
          + (max == NoOpPlan.MAX_TASKS ? "; Temporal refuses more than 2,000 pending activities in one workflow" : "")
          + ")");
    }
  }

  /** True for the arguments this record parses (each takes one value). */
  static boolean owns(String option) {
    return option.startsWith("--peer-") || option.startsWith("--temporal-") || option.equals("--baton-journal");
  }

  /** Parses option/value pairs over the defaults: full size, or small in quick mode. */
  static PeerOptions parse(boolean quick, List<String> args) {
    int runs = quick ? 5 : 200;
    int warmup = quick ? 2 : 20;
    int reps = quick ? 1 : 5;
    int parallel = quick ? 20 : 1_000;
    int chain = quick ? 5 : 100;
    Path binary = TemporalDevServer.defaultBinary();
    List<TemporalDevServer.Store> stores = List.of(TemporalDevServer.Store.FILE, TemporalDevServer.Store.MEMORY);
    List<String> serverArgs = new ArrayList<>();
    Journal journal = Journal.AUTO;
    for (int i = 0; i < args.size(); i += 2) {
      String option = args.get(i);
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      String value = args.get(i + 1);
      switch (option) {
        case "--peer-runs" -> runs = integer(option, value);
        case "--peer-warmup" -> warmup = integer(option, value);
        case "--peer-reps" -> reps = integer(option, value);
        case "--peer-parallel" -> parallel = integer(option, value);
        case "--peer-chain" -> chain = integer(option, value);
        case "--temporal-bin" -> binary = Path.of(value).toAbsolutePath();
        case "--temporal-stores" -> stores = stores(value);
        case "--temporal-server-arg" -> serverArgs.add(value);
        case "--baton-journal" -> journal = journal(value);
        default -> throw new IllegalArgumentException("unknown option '" + option + "' (expected: " + USAGE + ")");
      }
    }
    return new PeerOptions(runs, warmup, reps, parallel, chain, binary, stores, serverArgs, journal);
  }

  private static int integer(String option, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": '" + value + "' (expected: a whole number)");
    }
  }

  private static List<TemporalDevServer.Store> stores(String csv) {
    List<TemporalDevServer.Store> stores = new ArrayList<>();
    for (String s : csv.split(",")) {
      switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "file" -> stores.add(TemporalDevServer.Store.FILE);
        case "memory" -> stores.add(TemporalDevServer.Store.MEMORY);
        default -> throw new IllegalArgumentException("--temporal-stores: '" + s.trim()
            + "' (expected: file, memory, or both as file,memory)");
      }
    }
    return stores;
  }

  private static Journal journal(String value) {
    try {
      return Journal.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--baton-journal: '" + value + "' (expected: auto, on or off)");
    }
  }
}
