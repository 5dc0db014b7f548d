package dev.baton.master.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.master.plan.PlanModel;
import dev.baton.master.testing.Plans;
import dev.baton.runtime.droid.definition.DroidDefinition;
import dev.baton.runtime.droid.definition.DroidDefinitions;
import dev.baton.runtime.orchestrator.Complexity;
import dev.baton.runtime.orchestrator.DocumentKind;
import dev.baton.runtime.orchestrator.OrchestratorConfig;
import dev.baton.runtime.orchestrator.ProducedDocument;
import dev.baton.runtime.orchestrator.Specialisation;
import dev.baton.runtime.orchestrator.SpecialisationProfile;
import dev.baton.runtime.orchestrator.SubOrchestratorServer;
import dev.baton.runtime.registry.ConsulAgent;
import dev.baton.runtime.registry.ConsulMembership;
import dev.baton.runtime.registry.ConsulSettings;
import dev.baton.runtime.registry.DescriptorMeta;
import dev.baton.v1.InstanceHealth;
import dev.baton.v1.ListOrchestratorsRequest;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.OrchestratorInstance;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskStatus;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The master and sub-orchestrators finding each other through a real Consul agent. */
class ConsulRegistryTest {
  @RegisterExtension static final ConsulAgent consul = new ConsulAgent();
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final double SCALE = 0.001;

  @TempDir Path workspaces;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private ConsulSettings settings() {
    return consul.settings().build();
  }

  private MasterServer master(String id) {
    MasterServer master = MasterServer.start(MasterConfig.builder().id(id).consul(settings())
        .instanceWait(Duration.ofSeconds(10)).build());
    closeables.add(master);
    return master;
  }

  private SubOrchestratorServer backend(String id) {
    SubOrchestratorServer server = SubOrchestratorServer.start(OrchestratorConfig.builder()
        .instanceId(id)
        .consul(settings())
        .workspaceRoot(workspaces.resolve(id))
        .heartbeatInterval(Duration.ofMillis(200))
        .build(), new Backend());
    closeables.add(server);
    return server;
  }

  private Map<String, InstanceHealth> listed(MasterServer master) {
    ManagedChannel channel = NettyChannelBuilder.forTarget(master.address()).usePlaintext().build();
    try {
      return MasterGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
          .listOrchestrators(ListOrchestratorsRequest.getDefaultInstance())
          .getInstancesList().stream()
          .collect(Collectors.toMap(i -> i.getOrchestrator().getId(), OrchestratorInstance::getHealth));
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void masterDiscoversTwoBackendInstancesAndDelegatesToBoth() {
    MasterServer master = master("master-a");
    SubOrchestratorServer one = backend("backend-consul-1");
    SubOrchestratorServer two = backend("backend-consul-2");

    // The sub-orchestrators found the master through Consul (they were given no address)...
    await().atMost(WAIT).until(() -> one.registered() && two.registered());
    assertThat(one.descriptor().getCommunication().getMasterOrchestratorId()).isEqualTo("master-a");
    await().atMost(WAIT).until(() ->
        one.descriptor().getCommunication().getPeerOrchestratorsList().contains("backend-consul-2"));
    // ...and the master lists both as healthy because Consul passes them.
    await().atMost(WAIT).until(() -> listed(master).equals(Map.of(
        "backend-consul-1", InstanceHealth.INSTANCE_HEALTH_HEALTHY,
        "backend-consul-2", InstanceHealth.INSTANCE_HEALTH_HEALTHY)));

    Plans plan = Plans.plan("consul-spread").policy(PlanModel.DelegationPolicy.ROUND_ROBIN);
    for (int i = 1; i <= 6; i++) {
      plan.task("task-" + i, "backend", 1);
    }
    PlanStatus status = run(master, plan.build());

    assertThat(status.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(status.getTasksList().stream().map(TaskStatus::getInstanceId).distinct().sorted())
        .containsExactly("backend-consul-1", "backend-consul-2");

    // An instance that leaves is dropped from the master's view.
    two.close();
    await().atMost(WAIT).until(() -> {
      Map<String, InstanceHealth> now = listed(master);
      return now.get("backend-consul-1") == InstanceHealth.INSTANCE_HEALTH_HEALTHY
          && now.getOrDefault("backend-consul-2", InstanceHealth.INSTANCE_HEALTH_OFFLINE)
              == InstanceHealth.INSTANCE_HEALTH_OFFLINE;
    });
  }

  @Test
  void subOrchestratorFollowsTheMasterToItsNewAddress() {
    MasterServer first = master("master-first");
    SubOrchestratorServer backend = backend("backend-follow");
    await().atMost(WAIT).until(() -> backend.registered()
        && backend.descriptor().getCommunication().getMasterOrchestratorId().equals("master-first"));

    String firstAddress = first.address();
    first.close(); // deregisters from Consul, then its port closes: the stream breaks
    MasterServer second = master("master-second");

    await().atMost(WAIT).until(() -> backend.registered()
        && backend.descriptor().getCommunication().getMasterOrchestratorId().equals("master-second"));
    assertThat(second.address()).isNotEqualTo(firstAddress);
    await().atMost(WAIT).until(() ->
        listed(second).get("backend-follow") == InstanceHealth.INSTANCE_HEALTH_HEALTHY);
  }

  @Test
  void instancePassingInConsulWithoutACoordinateStreamIsStillDelegable() {
    MasterServer master = master("master-nostream");
    // A backend that registers with an unreachable master address (its stream never opens) and is
    // put in Consul by hand: only Consul knows it.
    SubOrchestratorServer lonely = SubOrchestratorServer.start(OrchestratorConfig.builder()
        .instanceId("backend-lonely")
        .masterAddress("127.0.0.1:1")
        .workspaceRoot(workspaces.resolve("lonely"))
        .build(), new Backend());
    closeables.add(lonely);
    // A TTL check: its grpc.health says NOT_SERVING, since no master has it registered (issue 11).
    ConsulMembership membership = ConsulMembership.connect(settings().toBuilder()
        .checkMode(dev.baton.runtime.registry.CheckMode.TTL).build(), Clock.systemUTC(), new Random());
    closeables.add(membership);
    String address = lonely.address();
    membership.register(DescriptorMeta.registration(lonely.descriptor(), "127.0.0.1",
        Integer.parseInt(address.substring(address.lastIndexOf(':') + 1))), () -> true);

    await().atMost(WAIT).until(() ->
        listed(master).get("backend-lonely") == InstanceHealth.INSTANCE_HEALTH_HEALTHY);
    PlanStatus status = run(master, Plans.plan("consul-nostream").task("only", "backend", 1).build());

    assertThat(status.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(status.getTasks(0).getInstanceId()).isEqualTo("backend-lonely");
    assertThat(lonely.registered()).isFalse();
  }

  private static PlanStatus run(MasterServer master, PlanModel.Plan plan) {
    String id = master.submit(plan, SCALE);
    await().atMost(WAIT).until(() -> {
      PlanState s = master.store().status(id).orElseThrow().getState();
      return s == PlanState.PLAN_STATE_SUCCEEDED || s == PlanState.PLAN_STATE_FAILED
          || s == PlanState.PLAN_STATE_CANCELLED;
    });
    return master.store().status(id).orElseThrow();
  }

  /** A backend specialisation for these tests (the real one lives in backend-orch). */
  static final class Backend implements Specialisation {
    private static final SpecialisationProfile PROFILE = new SpecialisationProfile(
        "backend", "Backend Orchestrator", List.of("NestJS"), List.of(), List.of("API Design"),
        List.of("REST APIs"), 2, Complexity.COMPLEX,
        DroidDefinitions.of(List.of(DroidDefinition.builtIn("backend-generalist", "does backend work", List.of("api")))));

    @Override
    public SpecialisationProfile profile() {
      return PROFILE;
    }

    @Override
    public DocumentKind classify(ProducedDocument document) {
      return DocumentKind.DELIVERABLE;
    }
  }
}
