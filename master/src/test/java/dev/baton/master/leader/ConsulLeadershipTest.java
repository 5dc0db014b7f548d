package dev.baton.master.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.runtime.registry.CheckMode;
import dev.baton.runtime.registry.ConsulAgent;
import dev.baton.runtime.registry.ConsulMembership;
import dev.baton.runtime.registry.ConsulSettings;
import dev.baton.runtime.registry.DescriptorMeta;
import dev.baton.runtime.registry.ServiceRegistration;
import dev.baton.runtime.server.GrpcServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Leader election against a real Consul agent: several contenders, each registered as a
 * {@code baton-master} with its own health check and campaigning on one key per test.
 */
class ConsulLeadershipTest {
  @RegisterExtension
  static final ConsulAgent agent = new ConsulAgent();

  /** Longest a take-over may take here: check interval 300 ms, blocking queries return at once. */
  private static final Duration TAKE_OVER = Duration.ofSeconds(5);

  private final List<Contender> contenders = new ArrayList<>();
  private String key;
  private String test;

  /** One master: its Consul registration (with the alive flag its TTL check reports) and its campaign. */
  private static final class Contender {
    final String id;
    final String address;
    final AtomicBoolean alive = new AtomicBoolean(true);
    final List<String> heard = new CopyOnWriteArrayList<>();
    ConsulMembership membership;
    GrpcServer server;
    ConsulLeadership leadership;

    Contender(String id, String address) {
      this.id = id;
      this.address = address;
    }

    long elected() {
      return heard.stream().filter(e -> e.equals("elected")).count();
    }

    boolean deposed() {
      return heard.stream().anyMatch(e -> e.startsWith("deposed"));
    }
  }

  @AfterEach
  void stop() {
    for (Contender c : contenders) {
      c.leadership.close();
      c.membership.close();
      if (c.server != null) {
        c.server.close();
      }
    }
  }

  private void name(TestInfo info) {
    test = info.getTestMethod().orElseThrow().getName().replaceAll("[^A-Za-z0-9]", "").toLowerCase();
    key = "baton/test/" + test + "/leader";
  }

  /** A contender whose check is a TTL the process passes while {@code alive} (renewed every 300 ms). */
  private Contender ttlContender(int n, ConsulLeadershipSettings.Builder leadership) {
    Contender c = new Contender(test + "-" + n, "127.0.0.1:" + (20_000 + n));
    ConsulSettings consul = agent.settings().checkMode(CheckMode.TTL).ttl(Duration.ofSeconds(3)).build();
    return start(c, consul, leadership, "127.0.0.1", 20_000 + n);
  }

  /** A contender with a real gRPC server whose grpc.health.v1 the agent checks every 300 ms. */
  private Contender grpcContender(int n, ConsulLeadershipSettings.Builder leadership) {
    GrpcServer server = GrpcServer.start("127.0.0.1", 0, List.of());
    Contender c = new Contender(test + "-" + n, server.address());
    c.server = server;
    ConsulSettings consul = agent.settings().checkMode(CheckMode.GRPC).build();
    return start(c, consul, leadership, "127.0.0.1", server.port());
  }

  private Contender start(Contender c, ConsulSettings consul, ConsulLeadershipSettings.Builder leadership,
      String host, int port) {
    ServiceRegistration registration = DescriptorMeta.masterRegistration(c.id, host, port);
    c.membership = ConsulMembership.connect(consul, Clock.systemUTC(), new Random(1));
    c.membership.register(registration, c.alive::get);
    c.leadership = ConsulLeadership.create(consul,
        leadership.key(key).checks(registration.checkIds(consul.checkMode())).build(), c.address, c.id, new Random(7));
    c.leadership.start(new Leadership.Listener() {
      @Override
      public void elected() {
        c.heard.add("elected");
      }

      @Override
      public void deposed(String why) {
        c.heard.add("deposed: " + why);
      }
    });
    contenders.add(c);
    return c;
  }

  private Contender awaitOneLeader(List<Contender> among) {
    await("one leader among " + among.stream().map(c -> c.id).toList())
        .atMost(TAKE_OVER).pollInterval(Duration.ofMillis(20))
        .until(() -> among.stream().filter(c -> c.leadership.isLeader()).count() == 1);
    Contender leader = among.stream().filter(c -> c.leadership.isLeader()).findFirst().orElseThrow();
    await("every contender names " + leader.address).atMost(TAKE_OVER)
        .until(() -> among.stream().allMatch(c -> c.leadership.leaderAddress().equals(Optional.of(leader.address))));
    return leader;
  }

  private List<Contender> others(Contender but) {
    return contenders.stream().filter(c -> c != but).toList();
  }

  @Test
  void exactlyOneOfThreeLeadsAndEveryoneNamesIt(TestInfo info) {
    name(info);
    for (int i = 1; i <= 3; i++) {
      ttlContender(i, ConsulLeadershipSettings.builder());
    }

    Contender leader = awaitOneLeader(contenders);

    assertThat(agent.get("/v1/kv/" + key + "?raw")).contains(leader.address);
    assertThat(leader.heard).containsExactly("elected");
    for (Contender other : others(leader)) {
      assertThat(other.leadership.state()).isEqualTo(ConsulLeadership.State.STANDBY);
      assertThat(other.heard).isEmpty();
    }
  }

  @Test
  void closingOrResigningTheLeaderElectsAnother(TestInfo info) {
    name(info);
    for (int i = 1; i <= 3; i++) {
      ttlContender(i, ConsulLeadershipSettings.builder());
    }
    Contender first = awaitOneLeader(contenders);

    long closed = System.nanoTime();
    first.leadership.close();
    Contender second = awaitOneLeader(others(first));
    System.out.println("FIGURE take-over after the leader closed: " + (System.nanoTime() - closed) / 1_000_000 + " ms");
    assertThat(first.heard).containsExactly("elected", "deposed: closed");

    second.leadership.resign("the journal refused its epoch");
    // The resigner stays out for its rejoin delay: the third contender takes over, and the resigner
    // campaigns again with a new session, as a standby naming the new leader.
    Contender third = awaitOneLeader(others(first));
    assertThat(third).isNotSameAs(second);
    assertThat(second.heard).containsExactly("elected", "deposed: resigned: the journal refused its epoch");
    await().atMost(TAKE_OVER).until(() -> second.leadership.state() == ConsulLeadership.State.STANDBY);
    assertThat(third.heard).containsExactly("elected");
  }

  @Test
  void aLeaderWhoseTtlCheckTurnsCriticalIsDeposed(TestInfo info) {
    name(info);
    for (int i = 1; i <= 2; i++) {
      ttlContender(i, ConsulLeadershipSettings.builder());
    }
    Contender first = awaitOneLeader(contenders);

    long failed = System.nanoTime();
    first.alive.set(false);

    Contender next = awaitOneLeader(others(first));
    System.out.println("FIGURE take-over after a TTL check turned critical: " + (System.nanoTime() - failed) / 1_000_000
        + " ms (check passed every 300 ms)");
    await().atMost(TAKE_OVER).until(first::deposed);
    assertThat(first.leadership.isLeader()).isFalse();
    assertThat(next.heard).containsExactly("elected");
    // It cannot campaign while its check is critical: Consul refuses a session tied to it.
    assertThat(first.leadership.state()).isEqualTo(ConsulLeadership.State.JOINING);
  }

  @Test
  void aLeaderWhoseGrpcHealthFailsIsDeposed(TestInfo info) {
    name(info);
    for (int i = 1; i <= 2; i++) {
      grpcContender(i, ConsulLeadershipSettings.builder());
    }
    Contender first = awaitOneLeader(contenders);

    long failed = System.nanoTime();
    first.server.enterShutdown(); // NOT_SERVING: the agent's next check (300 ms) fails

    Contender next = awaitOneLeader(others(first));
    System.out.println("FIGURE take-over after the gRPC health check failed: " + (System.nanoTime() - failed) / 1_000_000
        + " ms (check interval 300 ms)");
    await().atMost(TAKE_OVER).until(first::deposed);
    assertThat(next.heard).containsExactly("elected");
    assertThat(agent.get("/v1/kv/" + key + "?raw")).contains(next.address);
  }

  @Test
  void aLeaderThatStopsRenewingLosesTheLockWhenItsSessionExpires(TestInfo info) {
    name(info);
    // Checks keep passing: only the TTL (2 s; Consul expires within twice that) can end the session.
    ConsulLeadershipSettings.Builder shortTtl = ConsulLeadershipSettings.builder().ttl(Duration.ofSeconds(2));
    for (int i = 1; i <= 2; i++) {
      ttlContender(i, shortTtl);
    }
    Contender first = awaitOneLeader(contenders);
    String firstSession = first.leadership.sessionId().orElseThrow();

    long paused = System.nanoTime();
    first.leadership.pauseRenewals(true);

    Contender next = await().atMost(Duration.ofSeconds(10)).until(
        () -> others(first).stream().filter(c -> c.leadership.isLeader()).findFirst(), Optional::isPresent).get();
    System.out.println("FIGURE take-over after renewals stopped: " + (System.nanoTime() - paused) / 1_000_000
        + " ms (session TTL 2 s; Consul expires within 2 x TTL)");
    await().atMost(TAKE_OVER).until(first::deposed);
    assertThat(agent.get("/v1/session/info/" + firstSession)).hasValueSatisfying(body -> assertThat(body.strip()).isIn("[]", "null"));
    assertThat(next.heard).containsExactly("elected");
  }
}
