package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.cli.mesh.LaunchedProcess;
import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.master.journal.Journal;
import dev.baton.v1.GetPlanRequest;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The embedded default, as an operator runs it: {@code baton up} (one master on the SQLite
 * journal of its run directory, four sub-orchestrators). SIGKILL of the only master mid-plan:
 * {@code baton up} starts it again on its port and journal, the plan resumes and every task
 * succeeds once. A second master on the journal in use is refused with one line and exit 2. And
 * a torn last record (the plan's last event damaged, as a write cut short would leave it) is
 * dropped when a master opens the journal, with a log line, and nothing before it is lost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedTakeOverEndToEndTest {
  private Path runDir;
  private UpMesh up;
  private String planId;
  private List<PlanEvent> finished;

  @BeforeAll
  void startBatonUp() {
    runDir = MeshLauncher.Options.newRunDir(TestPaths.runsDir().resolve("embedded-takeover"));
    up = UpMesh.start(runDir);
  }

  @AfterAll
  void stopBatonUp() {
    if (up != null) {
      up.close();
    }
  }

  @Test
  @Order(1)
  void theOnlyMasterKilledIsStartedAgainByBatonUpAndThePlanResumes() throws Exception {
    try (TakeOverRun run = TakeOverRun.submit(up, TakeOverPlans.burst("embedded-takeover", 12, 6), 1 / 300.0)) {
      run.awaitEvent("the 20th delegation", e -> e.hasTaskDelegated()
          && run.watcher.count(PlanEvent::hasTaskDelegated) >= 20, Duration.ofSeconds(60));
      long killed = up.masterPid();
      Journal.Epoch old = up.journal().currentEpoch();
      ProcessHandle.of(killed).orElseThrow().destroyForcibly();
      await("baton up starting the master again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
          .until(() -> up.masterPid() != killed);
      System.out.printf("TAKEOVER embedded: master pid %d (epoch %d) killed; baton up started pid %d%n", killed,
          old.epoch(), up.masterPid());

      TakeOverRun.Verdict v = run.finish(120, 2);
      assertThat(up.stderr()).contains("baton: the master exited (status 137); starting it again on " + up.masterAddress()
          + " with its journal (restart 1 of 5");
      assertThat(up.journal().currentEpoch().epoch()).isGreaterThan(old.epoch());
      assertThat(v.under(old.epoch()).stream().filter(PlanEvent::hasTaskDelegated).count()).isGreaterThanOrEqualTo(20);
      planId = run.planId;
      finished = v.events();
    }
  }

  @Test
  @Order(2)
  void aSecondMasterOnTheEmbeddedJournalInUseIsRefusedWithOneLine() {
    String journal = up.journalPath().toAbsolutePath().toString();
    ProcessRun second = ProcessRun.baton("master", "--port", "0", "--git-port", "-1", "--registry", "embedded",
        "--journal", journal);
    assertThat(second.exitCode()).as("%s", second).isEqualTo(2);
    assertThat(second.stderrLines()).as("%s", second).hasSize(1);
    assertThat(second.stderrLines().get(0))
        .startsWith("baton: journal " + journal + " is in use by another master (pid " + up.masterPid() + ", since ")
        .endsWith("an embedded journal serves one master: stop it, or use --journal postgres://... for standby masters");
  }

  /**
   * With the mesh stopped, the plan's last record is cut in half (its checksum no longer holds).
   * A master opening the journal drops that one record with a WARN line and resumes the plan from
   * the event before: it finishes it again, and every earlier event is as it was.
   */
  @Test
  @Order(3)
  void aTornLastRecordIsDroppedWithALogLineAndNothingBeforeItIsLost() throws Exception {
    assertThat(finished).as("the first test's plan").isNotNull();
    up.close();
    long last = finished.get(finished.size() - 1).getSequence();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + up.journalPath());
        PreparedStatement tear = c.prepareStatement(
            "UPDATE baton_events SET data = substr(data, 1, length(data) / 2) WHERE plan_id = ? AND sequence = ?")) {
      tear.setString(1, planId);
      tear.setLong(2, last);
      assertThat(tear.executeUpdate()).isOne();
    }
    MeshLauncher launcher = new MeshLauncher(MeshLauncher.Options.in(runDir.resolve("reopened")));
    try {
      LaunchedProcess master = launcher.launch("master", List.of("master", "--port", "0", "--git-port", "-1",
          "--registry", "embedded", "--journal", up.journalPath().toString()));
      master.awaitReady(UpMesh.READY);
      await("the master dropping the torn record").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> java.nio.file.Files.readString(master.logFile()).contains("dropped torn record " + planId + "#" + last));
      String line = java.nio.file.Files.readString(master.logFile()).lines()
          .filter(l -> l.contains("dropped torn record")).findFirst().orElseThrow();
      assertThat(line).contains("WARN", "at the end of the plan (checksum mismatch", "every earlier record is kept");
      ManagedChannel channel = ManagedChannelBuilder.forTarget(master.address()).usePlaintext().build();
      try {
        // The plan resumes from #last-1 (every task succeeded) and finishes again as #last.
        PlanStatus status = await("the plan finished again").atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
            .until(() -> MasterGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .getPlan(GetPlanRequest.newBuilder().setPlanId(planId).build()).getStatus(),
                s -> s.getState() == PlanState.PLAN_STATE_SUCCEEDED);
        assertThat(status.getLastSequence()).isEqualTo(last);
      } finally {
        channel.shutdownNow();
      }
    } finally {
      launcher.close();
      launcher.killAll();
    }
    Journal reread = dev.baton.master.journal.Journals.open(up.journalPath().toString(),
        dev.baton.master.journal.JournalSettings.defaults(), java.time.Clock.systemUTC(), true);
    try (reread) {
      List<PlanEvent> events = reread.events(planId, 0, Long.MAX_VALUE, 100_000);
      assertThat(events.subList(0, events.size() - 1)).isEqualTo(finished.subList(0, finished.size() - 1));
      assertThat(events.get(events.size() - 1).getSequence()).isEqualTo(last);
      assertThat(events.get(events.size() - 1).getPlanFinished().getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    }
  }
}
