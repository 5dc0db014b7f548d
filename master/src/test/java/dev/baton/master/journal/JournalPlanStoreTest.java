package dev.baton.master.journal;

import static dev.baton.master.journal.Events.accepted;
import static dev.baton.master.journal.Events.finished;
import static dev.baton.master.journal.Events.nth;
import static dev.baton.master.journal.Events.progress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal store on the embedded backend: real SQLite files, fsynced, reopened. */
class JournalPlanStoreTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @TempDir
  Path dir;
  private final List<JournalPlanStore> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(JournalPlanStore::close);
  }

  private String path() {
    return dir.resolve("journal.db").toString();
  }

  private JournalPlanStore open(JournalSettings settings) {
    JournalPlanStore s = JournalPlanStore.open(path(), Clock.systemUTC(), settings);
    opened.add(s);
    return s;
  }

  private JournalPlanStore leading(JournalSettings settings) {
    JournalPlanStore s = open(settings);
    s.load();
    s.lead(s.claimEpoch("master-a", "127.0.0.1:7000"));
    return s;
  }

  /** Waits until everything appended so far is committed. */
  private static void flush(JournalPlanStore s) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    s.afterDurable(done::countDown);
    assertThat(done.await(10, TimeUnit.SECONDS)).as("writer flushed").isTrue();
  }

  private void reopenClosing(JournalPlanStore s) {
    s.close();
    opened.remove(s);
  }

  @Test
  void keepsEveryCommittedEventAcrossCloseAndReopen() throws Exception {
    JournalPlanStore a = leading(JournalSettings.defaults());
    a.append(accepted("p", 3));
    for (int i = 0; i < 30; i++) {
      a.append(nth("p", i, 3));
    }
    a.append(accepted("q", 1));
    flush(a);
    PlanStatus before = a.status("p").orElseThrow();
    reopenClosing(a);

    JournalPlanStore b = open(JournalSettings.defaults());
    assertThat(b.load()).containsExactly("p", "q");
    assertThat(b.status("p")).contains(before);
    assertThat(b.read("p", 0)).extracting(PlanEvent::getSequence).hasSize(31).startsWith(1L).endsWith(31L);
    b.lead(b.claimEpoch("master-a", "127.0.0.1:7000"));
    assertThat(b.append(progress("p", 0, 0.9)).getSequence()).isEqualTo(32);
  }

  @Test
  void snapshotPlusTailRecoversTheStatusAFullReplayGives() throws Exception {
    JournalSettings every10 = JournalSettings.builder().snapshotEvery(10).build();
    JournalPlanStore a = leading(every10);
    List<PlanEvent> appended = new ArrayList<>();
    appended.add(a.append(accepted("p", 4)));
    for (int i = 0; i < 94; i++) {
      appended.add(a.append(nth("p", i, 4)));
    }
    flush(a);
    assertThat(a.journal().snapshotSequences("p")).containsExactly(10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L);
    reopenClosing(a);

    JournalPlanStore b = open(every10);
    b.load();
    assertThat(b.status("p")).contains(Events.replay(appended));
    // Memory starts after the snapshot at 90; older events come from the journal, in order and complete.
    assertThat(b.read("p", 0)).containsExactlyElementsOf(appended);
    // Pages of a bounded read, across the journal/memory boundary (at 90), equal the same slices.
    assertThat(b.read("p", 0, 7)).containsExactlyElementsOf(appended.subList(0, 7));
    assertThat(b.read("p", 85, 10)).containsExactlyElementsOf(appended.subList(85, 95));
    assertThat(b.read("p", 92, 10)).containsExactlyElementsOf(appended.subList(92, 95));
    List<PlanEvent> paged = new ArrayList<>();
    for (List<PlanEvent> page = b.read("p", 0, 6); !page.isEmpty();
        page = b.read("p", page.get(page.size() - 1).getSequence(), 6)) {
      assertThat(page.size()).isLessThanOrEqualTo(6);
      paged.addAll(page);
    }
    assertThat(paged).containsExactlyElementsOf(appended);
    List<PlanEvent> replayed = new CopyOnWriteArrayList<>();
    b.subscribe("p", 5, replayed::add).close();
    assertThat(replayed).containsExactlyElementsOf(appended.subList(5, 95));
  }

  @Test
  void groupCommitTakesEverythingQueuedDuringACommitInOne() throws Exception {
    JournalPlanStore s = leading(JournalSettings.defaults());
    s.append(accepted("p", 2));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch holding = new CountDownLatch(1);
    // Holds the writer thread, as a slow fsync would, while 1,000 appends queue up.
    s.afterDurable(() -> {
      holding.countDown();
      awaitQuietly(release);
    });
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 1_000; i++) {
      s.append(nth("p", i, 2));
    }
    release.countDown();
    flush(s);
    JournalPlanStore.Stats stats = s.stats();
    assertThat(stats.events()).isEqualTo(1_001);
    assertThat(stats.commits()).isEqualTo(2);
    assertThat(stats.largestBatch()).isEqualTo(1_000);
    assertThat(s.journal().events("p", 0, Long.MAX_VALUE, 5_000)).hasSize(1_001);
  }

  @Test
  void subscribersSeeAnEventOnlyAfterItsCommitAndActionsRunAfterTheirEventsAreStored() throws Exception {
    JournalPlanStore s = leading(JournalSettings.defaults());
    s.append(accepted("p", 1));
    flush(s);
    List<Long> seen = new CopyOnWriteArrayList<>();
    s.subscribe("p", 0, e -> seen.add(e.getSequence()));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch holding = new CountDownLatch(1);
    s.afterDurable(() -> {
      holding.countDown();
      awaitQuietly(release);
    });
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
    s.append(progress("p", 0, 0.5));
    List<Long> storedWhenRun = new CopyOnWriteArrayList<>();
    s.afterDurable(() -> storedWhenRun.add(s.journal().plan("p").orElseThrow().lastSequence()));

    // Applied at once for the scheduler, but not committed: no watcher may see it yet.
    assertThat(s.task("p", "t0").orElseThrow().getProgress()).isEqualTo(0.5);
    assertThat(seen).containsExactly(1L);
    assertThat(s.journal().plan("p").orElseThrow().lastSequence()).isEqualTo(1);

    release.countDown();
    await().atMost(WAIT).until(() -> seen.size() == 2 && storedWhenRun.size() == 1);
    assertThat(seen).containsExactly(1L, 2L);
    assertThat(storedWhenRun).containsExactly(2L);
  }

  @Test
  void aFailedCommitRunsNoActionFencesOnceAndRefusesLaterAppends() throws Exception {
    JournalPlanStore s = leading(JournalSettings.defaults());
    s.append(accepted("p", 1));
    flush(s);
    List<String> fences = new CopyOnWriteArrayList<>();
    s.onFenced(fences::add);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + path()); Statement st = c.createStatement()) {
      st.execute("ALTER TABLE baton_events RENAME TO baton_events_gone"); // the next commit fails for real
    }
    List<String> ran = new CopyOnWriteArrayList<>();
    s.append(progress("p", 0, 0.1));
    s.afterDurable(() -> ran.add("after the failed commit"));

    await().atMost(WAIT).until(() -> s.mode() == JournalPlanStore.Mode.FENCED);
    assertThat(fences).hasSize(1);
    assertThat(fences.get(0)).startsWith("fenced: journal commit of 1 event(s) failed").contains("baton_events");
    assertThatThrownBy(() -> s.append(progress("p", 0, 0.2)))
        .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("fenced:");
    s.afterDurable(() -> ran.add("after fencing")); // dropped at once: nothing after a failed commit runs
    assertThat(ran).isEmpty();
    assertThat(fences).hasSize(1);
  }

  @Test
  void aNewerEpochFencesTheWriterAndNamesBothEpochsAndTheHolder() throws Exception {
    JournalPlanStore s = leading(JournalSettings.defaults());
    s.append(accepted("p", 1));
    flush(s);
    List<String> fences = new CopyOnWriteArrayList<>();
    s.onFenced(fences::add);
    long newer = s.journal().claimEpoch("master-b", "10.0.0.2:7000");
    List<String> ran = new CopyOnWriteArrayList<>();
    s.append(progress("p", 0, 0.1));
    s.afterDurable(() -> ran.add("never"));
    await().atMost(WAIT).until(() -> fences.size() == 1);
    assertThat(fences.get(0)).contains("epoch " + (newer - 1)).contains("epoch " + newer).contains("master-b")
        .contains("10.0.0.2:7000");
    assertThat(ran).isEmpty();
    assertThat(s.journal().plan("p").orElseThrow().lastSequence()).isEqualTo(1);
    assertThatThrownBy(() -> s.append(progress("p", 0, 0.2))).hasMessageStartingWith("fenced:");
  }

  @Test
  void aTornLastRecordIsDroppedWithOneWarningAndEveryEarlierOneKept() throws Exception {
    JournalPlanStore a = leading(JournalSettings.defaults());
    a.append(accepted("p", 2));
    for (int i = 0; i < 9; i++) {
      a.append(nth("p", i, 2));
    }
    a.append(accepted("q", 1));
    flush(a);
    reopenClosing(a);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + path()); Statement st = c.createStatement()) {
      // A write cut short: the last record lost its final bytes.
      st.execute("UPDATE baton_events SET data = substr(data, 1, length(data) - 3) WHERE plan_id = 'p' AND sequence = 10");
    }

    String logged = Events.stderrOf(() -> open(JournalSettings.defaults()));
    JournalPlanStore b = opened.get(opened.size() - 1);

    assertThat(logged.lines().filter(l -> l.contains("WARN") && l.contains("torn"))).hasSize(1)
        .first().asString().contains("p#10").contains("checksum mismatch");
    b.load();
    assertThat(b.read("p", 0)).extracting(PlanEvent::getSequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(b.status("q")).isPresent();
    assertThat(b.journal().plan("p").orElseThrow().lastSequence()).isEqualTo(9);
  }

  @Test
  void aCorruptRecordInTheMiddleRefusesThatPlanAndLoadsTheOthers() throws Exception {
    JournalPlanStore a = leading(JournalSettings.defaults());
    a.append(accepted("p", 2));
    for (int i = 0; i < 9; i++) {
      a.append(nth("p", i, 2));
    }
    a.append(accepted("q", 1));
    flush(a);
    reopenClosing(a);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + path()); Statement st = c.createStatement()) {
      st.execute("UPDATE baton_events SET crc = crc + 1 WHERE plan_id = 'p' AND sequence = 4");
    }
    JournalPlanStore b = open(JournalSettings.defaults());
    assertThat(b.load()).containsExactly("q");
    assertThat(b.status("p")).isEmpty();
    assertThat(b.unloadable()).containsOnlyKeys("p");
    assertThat(b.unloadable().get("p")).contains("p#4").contains("checksum mismatch").contains("baton journal verify");
    // Nothing was dropped: the damage is in the middle, not a torn tail.
    assertThat(b.journal().plan("p").orElseThrow().lastSequence()).isEqualTo(10);
  }

  @Test
  void aSecondOpenerInThisProcessIsRefusedNamingTheHolder() {
    leading(JournalSettings.defaults());
    assertThatThrownBy(() -> open(JournalSettings.defaults()))
        .isInstanceOf(JournalException.class)
        .hasMessage("journal " + Path.of(path()).toAbsolutePath() + " is in use by another master (pid "
            + ProcessHandle.current().pid() + ", since " + lockedSince() + "); an embedded journal serves one master:"
            + " stop it, or use --journal postgres://... for standby masters");
  }

  private String lockedSince() {
    try {
      String text = java.nio.file.Files.readString(Path.of(path() + ".lock")).strip();
      return text.substring(text.indexOf("since ") + 6);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aSecondMasterProcessIsRefusedWhileTheFirstHoldsTheJournal() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        LockHolder.class.getName(), path()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertThat(line).as("the holder process started").startsWith("LOCKED ");
      assertThatThrownBy(() -> open(JournalSettings.defaults()))
          .isInstanceOf(JournalException.class)
          .hasMessageContaining("is in use by another master (pid " + holder.pid() + ", since ")
          .hasMessageContaining("use --journal postgres://... for standby masters");
    } finally {
      holder.getOutputStream().close();
      assertThat(holder.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
    // Once it is gone the journal opens.
    assertThat(leading(JournalSettings.defaults()).mode()).isEqualTo(JournalPlanStore.Mode.LEADING);
  }

  @Test
  void compactionDeletesOnlyFinishedPlansThePolicyNoLongerKeeps() throws Exception {
    JournalPlanStore s = leading(JournalSettings.defaults());
    Instant now = Instant.parse("2026-12-01T00:00:00Z");
    for (String id : List.of("old1", "old2", "recent", "running")) {
      s.append(accepted(id, 1));
    }
    s.append(finished("old1", now.minus(Duration.ofDays(30))));
    s.append(finished("old2", now.minus(Duration.ofDays(8))));
    s.append(finished("recent", now.minus(Duration.ofHours(1))));
    flush(s);

    RetentionPolicy week = RetentionPolicy.olderThan(Duration.ofDays(7));
    assertThat(s.compact(week, now, true)).extracting(JournaledPlan::planId).containsExactlyInAnyOrder("old1", "old2");
    assertThat(s.journal().plans()).hasSize(4);
    assertThat(s.compact(week, now, false)).extracting(JournaledPlan::planId).containsExactlyInAnyOrder("old1", "old2");
    assertThat(s.journal().plans()).extracting(JournaledPlan::planId).containsExactlyInAnyOrder("recent", "running");
    assertThat(s.status("old1")).isEmpty();
    assertThat(s.journal().events("old1", 0, Long.MAX_VALUE, 100)).isEmpty();
    // Keep none by count: the finished one goes, the running one never does.
    RetentionPolicy none = new RetentionPolicy(java.util.Optional.empty(), java.util.OptionalInt.of(0));
    assertThat(s.compact(none, now, false)).extracting(JournaledPlan::planId).containsExactly("recent");
    assertThat(s.journal().plans()).extracting(JournaledPlan::planId).containsExactly("running");
  }

  @Test
  void refusesAppendsUntilLeadingAndNamesTheLegalStates() {
    JournalPlanStore s = open(JournalSettings.defaults());
    assertThatThrownBy(() -> s.append(accepted("p", 1))).isInstanceOf(IllegalStateException.class)
        .hasMessage("journal store is OPEN: appends need lead(epoch) first (legal in: LEADING)");
    s.load();
    assertThatThrownBy(s::load).isInstanceOf(IllegalStateException.class).hasMessageContaining("already loaded");
    s.lead(s.claimEpoch("master-a", ""));
    assertThatThrownBy(s::follow).isInstanceOf(IllegalStateException.class)
        .hasMessage("journal store is LEADING: cannot follow (legal in: [OPEN])");
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
