package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.cli.mesh.JavaCommand;
import dev.baton.master.journal.Journal;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One plan run across take-overs on a {@link TakeOverMesh} (a {@link MasterTrio}, or {@code baton
 * up}): submitted to the leader, followed by a {@link StrictWatcher} and by {@code baton watch
 * --master a,b,c} (a real CLI process), and at the end judged against the journal and the
 * sub-orchestrators' own counters by {@link #finish}.
 */
final class TakeOverRun implements AutoCloseable {
  private static final Pattern SEQUENCE = Pattern.compile("^\\S+\\s+#(\\d+)\\s");

  final String planId;
  final StrictWatcher watcher;
  private final TakeOverMesh mesh;
  private final Map<String, LoadMetrics> before;
  private final Process cliWatch;
  private final Path cliOut;
  private final Path cliErr;

  private TakeOverRun(TakeOverMesh mesh, String planId, Map<String, LoadMetrics> before) {
    this.mesh = mesh;
    this.planId = planId;
    this.before = before;
    this.watcher = new StrictWatcher(mesh.addressList(), planId, mesh.security());
    try {
      cliOut = Files.createTempFile("baton-watch-", ".out");
      cliErr = Files.createTempFile("baton-watch-", ".err");
      List<String> watch = new ArrayList<>(List.of("watch", planId, "--master", mesh.addresses(), "--retry-for", "120s"));
      watch.addAll(mesh.cliTlsArgs());
      cliWatch = new ProcessBuilder(JavaCommand.current().baton(watch))
          .redirectOutput(cliOut.toFile()).redirectError(cliErr.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static TakeOverRun submit(TakeOverMesh mesh, String yaml, double timeScale) {
    Map<String, LoadMetrics> before = mesh.loads();
    return new TakeOverRun(mesh, mesh.submit(yaml, timeScale), before);
  }

  /** Waits (on the watcher's events, which are durable ones) for the first event matching {@code p}. */
  PlanEvent awaitEvent(String what, Predicate<PlanEvent> p, Duration timeout) {
    await(what + " in plan " + planId).atMost(timeout).pollInterval(Duration.ofMillis(5))
        .until(() -> watcher.any(p) || watcher.done.isDone());
    return watcher.events.stream().filter(p).findFirst().orElseThrow(() -> new AssertionError(
        "plan " + planId + " ended without " + what + "; events:\n" + ChaosPlan.describe(watcher.events)));
  }

  /** The plan's records in the journal, in commit order, each with the epoch that wrote it. */
  List<Journal.JournalRecord> records() {
    List<Journal.JournalRecord> mine = new ArrayList<>();
    long position = 0;
    while (true) {
      List<Journal.JournalRecord> page = mesh.journal().since(position, 5_000);
      if (page.isEmpty()) {
        return mine;
      }
      for (Journal.JournalRecord r : page) {
        if (r.planId().equals(planId)) {
          mine.add(r);
        }
      }
      position = page.get(page.size() - 1).position();
    }
  }

  /** What a finished run left: the watched events and the journal's records. */
  record Verdict(List<PlanEvent> events, List<Journal.JournalRecord> records) {
    /** Events written under {@code epoch}. */
    List<PlanEvent> under(long epoch) {
      return records.stream().filter(r -> r.epoch() == epoch).map(Journal.JournalRecord::event).toList();
    }

    /** Per epoch that wrote to this plan: its sequences, first..last, in commit order. */
    String epochs() {
      Map<Long, long[]> spans = new LinkedHashMap<>();
      for (Journal.JournalRecord r : records) {
        spans.computeIfAbsent(r.epoch(), k -> new long[] {r.sequence(), r.sequence()})[1] = r.sequence();
      }
      return spans.entrySet().stream().map(e -> "epoch " + e.getKey() + ": #" + e.getValue()[0] + "..#" + e.getValue()[1])
          .collect(Collectors.joining(", "));
    }
  }

  /**
   * Waits for the end and asserts what every take-over must leave: the plan succeeded; the watcher
   * saw 1..N with no gap and no repeat, exactly the journal's events; every task succeeded once,
   * under one delegation of attempt 1 and one start (nothing re-run); the sub-orchestrators
   * finished exactly as many executions as tasks succeeded, on the instances the journal names;
   * the plan's records were written under at least {@code minEpochs} epochs, never going back to
   * an older one; {@code baton watch} printed increasing sequences and exited 0.
   */
  Verdict finish(long seconds, int minEpochs) throws Exception {
    return finish(seconds, minEpochs, true);
  }

  /**
   * {@link #finish(long, int)}; with {@code countExecutions} false the sub-orchestrators' counters
   * are left to the caller ({@link #assertExecutions}), for plans that ran side by side.
   */
  Verdict finish(long seconds, int minEpochs, boolean countExecutions) throws Exception {
    List<PlanEvent> events = watcher.awaitEnd(seconds);
    PlanEvent last = events.get(events.size() - 1);
    assertThat(last.getPlanFinished().getState()).as("plan %s: %s", planId, last.getPlanFinished().getReason())
        .isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);

    // The watcher: 1..N, nothing skipped or repeated by any master it read from.
    assertThat(watcher.violations).as("streams %s", watcher.streams).isEmpty();
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).getSequence()).isEqualTo(i + 1L);
    }

    // The journal holds exactly what the watcher saw, written in sequence order.
    List<Journal.JournalRecord> records = records();
    assertThat(records).extracting(Journal.JournalRecord::sequence)
        .containsExactlyElementsOf(events.stream().map(PlanEvent::getSequence).toList());
    assertThat(records).allSatisfy(r -> assertThat(r.problem()).isNull());
    assertThat(records.stream().map(Journal.JournalRecord::event).toList()).isEqualTo(events);

    // One writer at a time: along commit order the epoch never goes back, and each epoch that
    // wrote is one a master claimed.
    Verdict verdict = new Verdict(events, records);
    for (int i = 1; i < records.size(); i++) {
      assertThat(records.get(i).epoch()).as("epochs along the plan's records: %s", verdict.epochs())
          .isGreaterThanOrEqualTo(records.get(i - 1).epoch());
    }
    Map<Long, Journal.Epoch> claimed = mesh.journal().epochs().stream()
        .collect(Collectors.toMap(Journal.Epoch::epoch, e -> e));
    assertThat(claimed).containsKeys(records.stream().map(Journal.JournalRecord::epoch).distinct().toArray(Long[]::new));
    assertThat(records.stream().map(Journal.JournalRecord::epoch).distinct().count())
        .as("epochs that wrote plan %s (the take-over must happen mid-plan): %s", planId, verdict.epochs())
        .isGreaterThanOrEqualTo(minEpochs);

    assertOnceEach(events);
    if (countExecutions) {
      assertExecutions(mesh, before, List.of(events));
    }
    assertCliWatchSawIncreasingSequences(events);
    return verdict;
  }

  /** Every task succeeded once, was delegated once (attempt 1, one instance) and started once. */
  static void assertOnceEach(List<PlanEvent> events) {
    List<String> tasks = new ArrayList<>();
    PlanEvent accepted = events.get(0);
    accepted.getPlanAccepted().getTasksList().forEach(t -> tasks.add(t.getId()));
    events.stream().filter(PlanEvent::hasTaskAdded).forEach(e -> tasks.add(e.getTaskAdded().getTask().getId()));
    assertThat(tasks).isNotEmpty();

    Map<String, Long> succeeded = count(events, PlanEvent::hasTaskSucceeded, e -> e.getTaskSucceeded().getTaskId());
    assertThat(succeeded).as("TaskSucceeded per task").containsOnlyKeys(tasks)
        .allSatisfy((task, n) -> assertThat(n).as("TaskSucceeded of %s", task).isEqualTo(1L));
    Map<String, Long> delegated = count(events, PlanEvent::hasTaskDelegated,
        e -> e.getTaskDelegated().getTaskId() + "#" + e.getTaskDelegated().getAttempt() + "@" + e.getTaskDelegated().getInstanceId());
    assertThat(delegated.keySet().stream().map(k -> k.substring(0, k.indexOf('#'))).toList())
        .as("(task, attempt, instance) delegated: %s", delegated.keySet()).containsExactlyInAnyOrderElementsOf(tasks);
    assertThat(delegated.keySet()).as("no task delegated under a second attempt").allMatch(k -> k.contains("#1@"));
    Map<String, Long> started = count(events, PlanEvent::hasTaskStarted,
        e -> e.getTaskStarted().getTaskId() + "#" + e.getTaskStarted().getAttempt());
    assertThat(started).as("TaskStarted per (task, attempt)").hasSize(tasks.size())
        .allSatisfy((k, n) -> assertThat(n).as("TaskStarted of %s", k).isEqualTo(1L));
    assertThat(events).noneMatch(PlanEvent::hasTaskFailed).noneMatch(PlanEvent::hasTaskResultIgnored);
  }

  /** The sub-orchestrators' counters before the plan was submitted, by domain. */
  Map<String, LoadMetrics> before() {
    return before;
  }

  /**
   * The sub-orchestrators' own count: executions that finished on each since {@code before} equal
   * the tasks the plans' journals say succeeded there; none failed. A droid run twice
   * for one attempt (or a second attempt) would finish one execution more than the journal counts.
   */
  static void assertExecutions(TakeOverMesh mesh, Map<String, LoadMetrics> before, List<List<PlanEvent>> plans) {
    Map<String, String> domainOf = new LinkedHashMap<>();
    mesh.instanceIds().forEach((domain, id) -> domainOf.put(id, domain));
    Map<String, Long> expected = new TreeMap<>();
    domainOf.values().forEach(d -> expected.put(d, 0L));
    plans.stream().flatMap(List::stream).filter(PlanEvent::hasTaskSucceeded)
        .forEach(e -> expected.merge(domainOf.getOrDefault(e.getTaskSucceeded().getInstanceId(), "?"), 1L, Long::sum));
    Map<String, LoadMetrics> after = mesh.loads();
    Map<String, Long> ran = new TreeMap<>();
    Map<String, Long> failed = new TreeMap<>();
    after.forEach((domain, load) -> {
      ran.put(domain, load.getCompletedTasks() - before.get(domain).getCompletedTasks());
      failed.put(domain, load.getFailedTasks() - before.get(domain).getFailedTasks());
    });
    assertThat(ran).as("executions finished per sub-orchestrator").isEqualTo(expected);
    assertThat(failed).as("executions failed per sub-orchestrator").allSatisfy((d, n) -> assertThat(n).isZero());
  }

  /** {@code baton watch} exited 0 and printed each event once, in increasing sequence order, up to the end. */
  void assertCliWatchSawIncreasingSequences(List<PlanEvent> events) throws Exception {
    assertThat(cliWatch.waitFor(60, TimeUnit.SECONDS)).as("baton watch ended").isTrue();
    String out = Files.readString(cliOut, StandardCharsets.UTF_8);
    String err = Files.readString(cliErr, StandardCharsets.UTF_8);
    assertThat(cliWatch.exitValue()).as("baton watch exit code; stdout:\n%s\nstderr:\n%s", out, err).isZero();
    List<Long> printed = new ArrayList<>();
    for (String line : out.split("\\R")) {
      Matcher m = SEQUENCE.matcher(line);
      if (m.find()) {
        printed.add(Long.parseLong(m.group(1)));
      }
    }
    assertThat(printed).as("sequences baton watch printed").isNotEmpty().isSorted().doesNotHaveDuplicates();
    assertThat(printed).contains(events.get(events.size() - 1).getSequence());
    assertThat(printed).containsAll(events.stream().filter(PlanEvent::hasTaskSucceeded).map(PlanEvent::getSequence).toList());
    assertThat(err).as("baton watch warned of no gap").doesNotContain("are on no master");
  }

  static Map<String, Long> count(List<PlanEvent> events, Predicate<PlanEvent> p,
      java.util.function.Function<PlanEvent, String> key) {
    return events.stream().filter(p).collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
  }

  static Optional<PlanEvent> first(List<PlanEvent> events, Predicate<PlanEvent> p) {
    return events.stream().filter(p).findFirst();
  }

  @Override
  public void close() {
    if (!watcher.done.isDone()) {
      mesh.cancel(planId);
    }
    watcher.close();
    if (cliWatch.isAlive()) {
      cliWatch.destroyForcibly();
    }
    try {
      Files.deleteIfExists(cliOut);
      Files.deleteIfExists(cliErr);
    } catch (IOException ignored) {
      // temp files
    }
  }
}
