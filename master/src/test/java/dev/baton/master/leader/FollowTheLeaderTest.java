package dev.baton.master.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.runtime.coordination.FakeMaster;
import dev.baton.runtime.orchestrator.OrchestratorConfig;
import dev.baton.runtime.orchestrator.Specialisations;
import dev.baton.runtime.orchestrator.SubOrchestratorServer;
import dev.baton.runtime.registry.CheckMode;
import dev.baton.runtime.registry.ConsulAgent;
import dev.baton.runtime.registry.ConsulMembership;
import dev.baton.runtime.registry.ConsulSettings;
import dev.baton.runtime.registry.DescriptorMeta;
import dev.baton.runtime.registry.LeaderKey;
import dev.baton.runtime.registry.ServiceRegistration;
import dev.baton.v1.CoordinateRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sub-orchestrator in Consul mode dials the master that holds the leader key, not merely a passing
 * {@code baton-master}, and follows the key to the next leader after a take-over.
 */
class FollowTheLeaderTest {
  @RegisterExtension
  static final ConsulAgent agent = new ConsulAgent();

  @TempDir Path workspaces;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  private ConsulSettings consul() {
    return agent.settings().checkMode(CheckMode.TTL).ttl(Duration.ofSeconds(3)).build();
  }

  /** A Coordination server registered as baton-master {@code id}, campaigning on the default key when asked. */
  private ConsulLeadership master(String id, FakeMaster server, boolean campaign) {
    String address = server.address();
    ServiceRegistration registration =
        DescriptorMeta.masterRegistration(id, "127.0.0.1", Integer.parseInt(address.substring(address.indexOf(':') + 1)));
    ConsulMembership membership = ConsulMembership.connect(consul(), Clock.systemUTC(), new Random(3));
    membership.register(registration, () -> true);
    closing.add(membership);
    if (!campaign) {
      return null;
    }
    ConsulLeadership leadership =
        ConsulLeadership.forMaster(consul(), registration, ConsulLeadershipSettings.builder(), new Random(5));
    leadership.start(new Leadership.Listener() {
      @Override
      public void elected() {}

      @Override
      public void deposed(String why) {}
    });
    closing.add(leadership);
    return leadership;
  }

  @Test
  void dialsTheHolderOfTheLeaderKeyAndFollowsItToTheNextLeader() {
    // "a-standby" sorts first among the passing masters: without the key the instance would dial it.
    FakeMaster standby = FakeMaster.standby(null);
    closing.add(standby);
    master("a-standby", standby, false);
    FakeMaster first = FakeMaster.start(List.of());
    closing.add(first);
    ConsulLeadership firstLeadership = master("b-leader", first, true);
    await().atMost(Duration.ofSeconds(10)).until(firstLeadership::isLeader);

    SubOrchestratorServer instance = SubOrchestratorServer.start(OrchestratorConfig.builder().consul(consul())
        .instanceId("sample-follower").workspaceRoot(workspaces).build(), Specialisations.find("sample"));
    closing.add(instance);

    await().atMost(Duration.ofSeconds(10)).until(() -> first.count(CoordinateRequest.BodyCase.REGISTER) == 1);
    assertThat(standby.count(CoordinateRequest.BodyCase.REGISTER)).isZero();

    FakeMaster second = FakeMaster.start(List.of());
    closing.add(second);
    ConsulLeadership secondLeadership = master("c-next", second, true);
    firstLeadership.close();
    first.stop();
    await().atMost(Duration.ofSeconds(10)).until(secondLeadership::isLeader);

    await().atMost(Duration.ofSeconds(5)).until(() -> second.count(CoordinateRequest.BodyCase.REGISTER) == 1);
    assertThat(agent.get("/v1/kv/" + LeaderKey.DEFAULT + "?raw")).contains(second.address());
  }
}
