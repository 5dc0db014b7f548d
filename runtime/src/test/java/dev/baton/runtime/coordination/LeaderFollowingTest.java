package dev.baton.runtime.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.v1.CoordinateRequest;
import dev.baton.v1.ExecutionState;
import dev.baton.v1.HeldExecution;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.Register;
import dev.baton.v1.SharedState;
import dev.baton.v1.SubOrchestratorDescriptor;
import dev.baton.v1.SyncNotify;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The coordination client across a take-over: address lists, standbys' leader hints, fast redials. */
class LeaderFollowingTest {
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final AtomicReference<List<HeldExecution>> held = new AtomicReference<>(List.of());
  private CoordinationClient client;

  private final CoordinationClient.Handler handler = new CoordinationClient.Handler() {
    @Override
    public SubOrchestratorDescriptor descriptor() {
      return SubOrchestratorDescriptor.newBuilder().setId("backend-orchestrator-f00").build();
    }

    @Override
    public LoadMetrics load() {
      return LoadMetrics.getDefaultInstance();
    }

    @Override
    public SharedState sharedState(SyncNotify notify) {
      return SharedState.getDefaultInstance();
    }

    @Override
    public void addHeldExecutions(Register.Builder register) {
      register.addAllHeldExecutions(held.get());
    }
  };

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    for (AutoCloseable c : closing) {
      c.close();
    }
    scheduler.shutdownNow();
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    closing.add(c);
    return c;
  }

  /** A client with the production backoff (100 ms doubling to a 1 s cap). */
  private CoordinationClient client(List<String> masters) {
    client = new CoordinationClient(
        CoordinationClient.Settings.of(MasterLocator.fixed(masters), "backend-orchestrator-f00", Duration.ofMillis(100)),
        handler, scheduler, Clock.systemUTC(), new Random(42));
    client.start();
    return client;
  }

  private static long registers(FakeMaster m) {
    return m.count(CoordinateRequest.BodyCase.REGISTER);
  }

  @Test
  void givenAStandbyFirstItRegistersWithTheLeaderTheStandbyNames() {
    FakeMaster leader = closeLater(FakeMaster.start(List.of()));
    FakeMaster standby = closeLater(FakeMaster.standby(leader.address()));

    client(List.of(standby.address(), leader.address()));

    await().atMost(Duration.ofSeconds(5)).until(client::registered);
    assertThat(client.masterAddress()).isEqualTo(leader.address());
    assertThat(registers(standby)).isEqualTo(1);
    assertThat(registers(leader)).isEqualTo(1);
    assertThat(client.lastRegistered().orElseThrow().getMasterId()).isEqualTo("fake-master");
  }

  @Test
  void followsTheHintToALeaderNotInItsList() {
    FakeMaster leader = closeLater(FakeMaster.start(List.of()));
    FakeMaster standby = closeLater(FakeMaster.standby(leader.address()));

    client(List.of(standby.address()));

    await().atMost(Duration.ofSeconds(5)).until(client::registered);
    assertThat(client.masterAddress()).isEqualTo(leader.address());
    assertThat(client.failedDials()).isZero();
  }

  @Test
  void triesTheNextAddressWhenNeitherAStandbyNorADeadMasterNamesTheLeader() {
    FakeMaster leader = closeLater(FakeMaster.start(List.of()));
    FakeMaster clueless = closeLater(FakeMaster.standby(null));
    String dead = "127.0.0.1:" + FakeMaster.freePort();

    client(List.of(dead, clueless.address(), leader.address()));

    await().atMost(Duration.ofSeconds(5)).until(client::registered);
    assertThat(client.masterAddress()).isEqualTo(leader.address());
    assertThat(registers(clueless)).isEqualTo(1);
  }

  @Test
  void registersAgainWithinAboutASecondOfAMasterRestartEvenAfterALongOutage() {
    FakeMaster master = FakeMaster.start(List.of());
    int port = Integer.parseInt(master.address().substring(master.address().lastIndexOf(':') + 1));
    client(List.of(master.address()));
    await().atMost(Duration.ofSeconds(5)).until(() -> client.registrations() == 1);

    master.stop();
    // Long enough for both the old 5 s backoff cap and gRPC's own connection backoff (1 s, x1.6 per
    // failure, up to 2 min) to have grown past several seconds.
    await().atMost(Duration.ofSeconds(20)).until(() -> client.failedDials() >= 7);
    long restarted = System.nanoTime();
    FakeMaster again = closeLater(FakeMaster.startOn(port, List.of()));

    await().atMost(Duration.ofMillis(2_500)).pollInterval(Duration.ofMillis(10)).until(() -> client.registrations() == 2);
    long millis = (System.nanoTime() - restarted) / 1_000_000;
    System.out.println("re-registered " + millis + " ms after the master came back");
    assertThat(registers(again)).isEqualTo(1);
  }

  @Test
  void everyRegisterReportsTheExecutionsItHolds() {
    HeldExecution running = HeldExecution.newBuilder().setExecutionId("backend-orchestrator-f00/1").setPlanId("shop")
        .setTaskId("product-api").setAttempt(1).setState(ExecutionState.EXECUTION_STATE_RUNNING).build();
    HeldExecution done = running.toBuilder().setExecutionId("backend-orchestrator-f00/2").setTaskId("cart-api")
        .setState(ExecutionState.EXECUTION_STATE_SUCCEEDED).build();
    held.set(List.of(running));
    FakeMaster master = FakeMaster.start(List.of());
    int port = Integer.parseInt(master.address().substring(master.address().lastIndexOf(':') + 1));
    client(List.of(master.address()));
    await().atMost(Duration.ofSeconds(5)).until(() -> client.registrations() == 1);
    assertThat(master.frames.get(0).getRegister().getHeldExecutionsList()).containsExactly(running);

    master.stop();
    held.set(List.of(running, done));
    FakeMaster again = closeLater(FakeMaster.startOn(port, List.of()));

    await().atMost(Duration.ofSeconds(5)).until(() -> client.registrations() == 2);
    assertThat(again.frames.get(0).getRegister().getHeldExecutionsList()).containsExactly(running, done);
  }
}
