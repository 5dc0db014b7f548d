package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.baton.master.journal.JournalPlanStore;
import dev.baton.master.journal.JournalSettings;
import dev.baton.runtime.postgres.PostgresServer;
import dev.baton.v1.PlanAccepted;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanFinished;
import dev.baton.v1.PlanState;
import dev.baton.v1.TaskProgress;
import dev.baton.v1.TaskStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code baton journal plans|events|verify|compact} on real journals, run in process. */
class JournalCommandTest {
  @RegisterExtension
  static final PostgresServer postgres = new PostgresServer();
  @TempDir Path dir;

  private record Run(int exitCode, String out, String err) {}

  private static Run baton(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Baton.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** A journal with "old" (finished 30 days ago, 4 events), "new" (finished now) and "live" (unfinished, 11 events). */
  private static void fill(String spec) throws Exception {
    try (JournalPlanStore s = JournalPlanStore.open(spec, Clock.systemUTC(), JournalSettings.builder().snapshotEvery(10).build())) {
      s.load();
      s.lead(s.claimEpoch("cli-test", "127.0.0.1:7000"));
      for (String id : new String[] {"old", "new", "live"}) {
        s.append(PlanEvent.newBuilder().setPlanId(id).setPlanAccepted(PlanAccepted.newBuilder().setName(id)
            .addTasks(TaskStatus.newBuilder().setId("a"))).build());
      }
      for (int i = 0; i < 10; i++) {
        s.append(PlanEvent.newBuilder().setPlanId("live")
            .setTaskProgress(TaskProgress.newBuilder().setTaskId("a").setProgress(i / 10.0)).build());
      }
      for (int i = 0; i < 2; i++) {
        s.append(PlanEvent.newBuilder().setPlanId("old")
            .setTaskProgress(TaskProgress.newBuilder().setTaskId("a").setProgress(i / 10.0)).build());
      }
      finish(s, "old", Instant.now().minus(Duration.ofDays(30)));
      finish(s, "new", Instant.now());
      CountDownLatch flushed = new CountDownLatch(1);
      s.afterDurable(flushed::countDown);
      assertThat(flushed.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static void finish(JournalPlanStore s, String id, Instant at) {
    s.append(PlanEvent.newBuilder().setPlanId(id).setTime(Timestamp.newBuilder().setSeconds(at.getEpochSecond()))
        .setPlanFinished(PlanFinished.newBuilder().setState(PlanState.PLAN_STATE_SUCCEEDED)).build());
  }

  @Test
  void listsPlansAndPagesAPlansEventsAsTextAndJson() throws Exception {
    String journal = dir.resolve("j.db").toString();
    fill(journal);

    Run plans = baton("journal", "plans", "--journal", journal);
    assertThat(plans.exitCode()).isZero();
    assertThat(plans.out().lines()).filteredOn(l -> l.startsWith("live  unfinished  11 events  accepted ")).hasSize(1);
    assertThat(plans.out().lines()).filteredOn(l -> l.startsWith("old  SUCCEEDED  4 events")).hasSize(1);
    assertThat(plans.out()).contains("3 plan(s) in sqlite ").contains("epoch 1 (held by cli-test at 127.0.0.1:7000");

    Run text = baton("journal", "events", "live", "--journal", journal, "--after", "2", "--limit", "3");
    assertThat(text.exitCode()).isZero();
    assertThat(text.out().lines()).hasSize(3).allMatch(l -> l.matches(".*  #[345]  .*"));

    Run json = baton("journal", "events", "live", "--journal", journal, "--json", "--limit", "2");
    assertThat(json.out().lines()).hasSize(2);
    PlanEvent.Builder first = PlanEvent.newBuilder();
    JsonFormat.parser().merge(json.out().lines().findFirst().orElseThrow(), first);
    assertThat(first.getSequence()).isEqualTo(1);
    assertThat(first.getPlanAccepted().getName()).isEqualTo("live");
  }

  @Test
  void verifyPassesAJournalAndNamesEachProblemOfADamagedOne() throws Exception {
    String journal = dir.resolve("j.db").toString();
    fill(journal);
    Run ok = baton("journal", "verify", "--journal", journal);
    assertThat(ok.exitCode()).isZero();
    assertThat(ok.out()).startsWith("ok: 3 plan(s), 17 event(s), 3 snapshot(s) checked");

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + journal); Statement st = c.createStatement()) {
      st.execute("UPDATE baton_events SET crc = crc + 1 WHERE plan_id = 'live' AND sequence = 4");
      st.execute("DELETE FROM baton_events WHERE plan_id = 'old' AND sequence = 2");
    }
    Run bad = baton("journal", "verify", "--journal", journal);
    assertThat(bad.exitCode()).isEqualTo(1);
    // Problems come plan by plan in acceptance order; the three plans of fill() may be accepted in one millisecond
    // or in several, so the two problem lines may come in either order. The summary is always last.
    List<String> lines = bad.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.subList(0, 2)).anyMatch(l -> l.matches(
            "live#4: checksum mismatch: stored \\p{XDigit}{8}, computed \\p{XDigit}{8} over \\d+ bytes"))
        .contains("old#2: missing (the next record is #3)");
    assertThat(lines.get(2)).isEqualTo(
        "2 problem(s): 3 plan(s), 16 event(s), 3 snapshot(s) checked in sqlite " + Path.of(journal).toAbsolutePath());
  }

  @Test
  void compactsFinishedPlansByAgeAndCountAndNeverAnUnfinishedOne() throws Exception {
    String journal = dir.resolve("j.db").toString();
    fill(journal);
    Run dry = baton("journal", "compact", "--journal", journal, "--keep-finished-for", "7d", "--dry-run");
    assertThat(dry.exitCode()).isZero();
    assertThat(dry.out().lines()).first().asString().startsWith("would delete old  SUCCEEDED  finished ");
    assertThat(baton("journal", "plans", "--journal", journal).out()).contains("3 plan(s)");

    Run all = baton("journal", "compact", "--journal", journal, "--keep", "0");
    assertThat(all.out()).contains("deleted 2 finished plan(s)");
    assertThat(baton("journal", "plans", "--journal", journal).out()).startsWith("live  unfinished").contains("1 plan(s)");
  }

  @Test
  void badInputExitsTwoWithOneLineNamingTheFix() throws Exception {
    String journal = dir.resolve("j.db").toString();
    fill(journal);
    assertBad(baton("journal", "compact", "--journal", journal, "--keep-finished-for", "7x"),
        "baton: '7x' is not an age (expected: a positive age like 7d, 12h, 30m or 1d12h, at most 36500d)");
    assertBad(baton("journal", "compact", "--journal", journal),
        "baton: retention: no bound given (expected: --keep-finished-for AGE and/or --keep N)");
    assertBad(baton("journal", "plans", "--journal", "mysql://db/x"),
        "baton: --journal mysql...: unsupported kind of journal 'mysql' (expected: a file path such as"
            + " ./baton-journal.db, or postgres://user:password@host:5432/database; postgresql:// and jdbc:postgresql: URLs work too)");
    assertBad(baton("journal", "events", "nope", "--journal", journal),
        "baton: plan nope is not in sqlite " + Path.of(journal).toAbsolutePath() + " (see `baton journal plans --journal ...`)");
    assertBad(baton("journal", "events", "live", "--journal", journal, "--limit", "0"),
        "baton: --limit: 0 (expected: 1..1000000)");
    assertBad(baton("journal", "plans", "--journal", dir.resolve("absent.db").toString()),
        "baton: journal " + dir.resolve("absent.db").toAbsolutePath() + " does not exist (expected: the file a master was"
            + " started with --journal " + dir.resolve("absent.db").toAbsolutePath() + ")");
    try (JournalPlanStore running = JournalPlanStore.open(journal, Clock.systemUTC(), JournalSettings.defaults())) {
      Run refused = baton("journal", "compact", "--journal", journal, "--keep", "1");
      assertThat(refused.exitCode()).isEqualTo(2);
      assertThat(refused.err()).contains("is in use by another master (pid " + ProcessHandle.current().pid());
      // Reading beside a running master works.
      assertThat(baton("journal", "plans", "--journal", journal).exitCode()).isZero();
    }
  }

  private static void assertBad(Run run, String line) {
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().lines()).containsExactly(line);
  }

  @Test
  void readsAPostgresJournalByItsUrl() throws Exception {
    String url = postgres.createDatabase("cli");
    fill(url);
    Run plans = baton("journal", "plans", "--journal", url);
    assertThat(plans.exitCode()).isZero();
    assertThat(plans.out()).contains("3 plan(s) in postgres postgres://baton@127.0.0.1:" + postgres.port());
    assertThat(plans.out()).doesNotContain(PostgresServer.PASSWORD);
    assertThat(baton("journal", "verify", "--journal", url).out()).startsWith("ok: 3 plan(s), 17 event(s)");
  }
}
