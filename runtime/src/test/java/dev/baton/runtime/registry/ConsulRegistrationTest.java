package dev.baton.runtime.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.runtime.server.GrpcServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Registration, checks and watching against a real Consul agent and real gRPC servers. */
class ConsulRegistrationTest {
  @RegisterExtension static final ConsulAgent consul = new ConsulAgent();
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    scheduler.shutdownNow();
  }

  private GrpcServer server() {
    GrpcServer server = GrpcServer.start("127.0.0.1", 0, List.of());
    closeables.add(server);
    return server;
  }

  private ConsulMembership membership(ConsulSettings settings) {
    ConsulMembership m = ConsulMembership.connect(settings, scheduler, Clock.systemUTC(), new Random(7));
    closeables.add(m);
    return m;
  }

  private static ServiceRegistration registration(String service, String id, GrpcServer server) {
    return new ServiceRegistration(service, id, "127.0.0.1", server.port(), List.of("baton"),
        Map.of("domain", "backend", "instance_id", id, "max_concurrent_tasks", "3"));
  }

  private ServiceWatcher watch(ConsulMembership m, String service, List<List<ServiceInstance>> seen) {
    return m.watch(service, seen::add);
  }

  @Test
  void registersWithMetaAndAPassingGrpcCheck() {
    GrpcServer server = server();
    ConsulMembership m = membership(consul.settings().build());
    List<List<ServiceInstance>> seen = new CopyOnWriteArrayList<>();
    ServiceWatcher watcher = watch(m, "baton-reg", seen);

    m.register(registration("baton-reg", "reg-1", server), () -> true);

    await().atMost(WAIT).until(() -> watcher.passing().size() == 1);
    ServiceInstance instance = watcher.passing().get(0);
    assertThat(instance.id()).isEqualTo("reg-1");
    assertThat(instance.address()).isEqualTo("127.0.0.1:" + server.port());
    assertThat(instance.meta()).containsEntry("domain", "backend").containsEntry("max_concurrent_tasks", "3");
    assertThat(instance.tags()).containsExactly("baton");
    assertThat(consul.checkStatuses("baton-reg")).containsExactly(Map.entry("service:reg-1:grpc", "grpc:passing"));
    // The first answer was the empty list (the check had not passed yet) or the instance at once.
    assertThat(seen.get(seen.size() - 1)).containsExactly(instance);
    assertThat(m.registration().orElseThrow().registrations()).isEqualTo(1);
  }

  @Test
  void aTlsServersGrpcCheckDialsTlsAndPasses(@org.junit.jupiter.api.io.TempDir java.nio.file.Path pkiDir) {
    try (var pki = dev.baton.runtime.security.tls.TestPki.create(pkiDir)) {
      GrpcServer server = GrpcServer.start("127.0.0.1", 0, List.of(), List.of(),
          pki.security(dev.baton.runtime.security.tls.TestPki.orchestrator("backend")).server());
      closeables.add(server);
      ConsulMembership m = membership(consul.settings().build());
      ServiceWatcher watcher = m.watch("baton-tls", l -> { });

      m.register(registration("baton-tls", "tls-1", server).withTls(true), () -> true);

      await().atMost(WAIT).until(() -> watcher.passing().size() == 1);
      assertThat(watcher.passing().get(0).tags()).containsExactly("baton", "tls");
      assertThat(consul.checkStatuses("baton-tls")).containsExactly(Map.entry("service:tls-1:grpc", "grpc:passing"));
    }
  }

  @Test
  void checkGoesCriticalWhenTheServerStopsServingAndTheWatcherDropsIt() {
    GrpcServer notServing = server();
    GrpcServer stopped = server();
    ConsulMembership a = membership(consul.settings().build());
    ConsulMembership b = membership(consul.settings().build());
    ConsulMembership observer = membership(consul.settings().build());
    ServiceWatcher watcher = observer.watch("baton-crit", l -> { });
    a.register(registration("baton-crit", "crit-not-serving", notServing), () -> true);
    b.register(registration("baton-crit", "crit-stopped", stopped), () -> true);
    await().atMost(WAIT).until(() -> watcher.passing().size() == 2);

    notServing.enterShutdown(); // grpc.health.v1 answers NOT_SERVING, the port stays open
    await().atMost(WAIT).until(() -> ids(watcher).equals(List.of("crit-stopped")));
    assertThat(consul.checkStatuses("baton-crit"))
        .containsEntry("service:crit-not-serving:grpc", "grpc:critical")
        .containsEntry("service:crit-stopped:grpc", "grpc:passing");

    stopped.close(); // the port closes
    await().atMost(WAIT).until(() -> watcher.passing().isEmpty());
    assertThat(watcher.status().state()).isEqualTo(ServiceWatcher.State.WATCHING);
  }

  @Test
  void deregistersOnClose() {
    GrpcServer server = server();
    ConsulMembership m = ConsulMembership.connect(consul.settings().build(), scheduler, Clock.systemUTC(), new Random());
    m.register(registration("baton-dereg", "dereg-1", server), () -> true);
    await().atMost(WAIT).until(() -> consul.get("/v1/agent/service/dereg-1").isPresent());

    m.close();

    assertThat(consul.get("/v1/agent/service/dereg-1")).isEmpty();
    assertThat(consul.getList("/v1/catalog/service/baton-dereg")).isEmpty();
  }

  @Test
  void registersAgainWhenTheAgentForgotTheService() {
    GrpcServer server = server();
    ConsulMembership m = membership(consul.settings().build());
    ServiceWatcher watcher = m.watch("baton-again", l -> { });
    m.register(registration("baton-again", "again-1", server), () -> true);
    await().atMost(WAIT).until(() -> watcher.passing().size() == 1);

    // Behind the registration's back, as an agent restarted without state would.
    assertThat(consul.put("/v1/agent/service/deregister/again-1")).isPresent();

    await().atMost(WAIT).until(() -> m.registration().orElseThrow().reRegistrations() >= 1);
    await().atMost(WAIT).until(() -> ids(watcher).equals(List.of("again-1")));
    assertThat(m.registration().orElseThrow().registrations()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void ttlCheckPassesWhileTheProcessSaysItIsAliveAndFailsWhenNot() {
    AtomicBoolean alive = new AtomicBoolean(true);
    ConsulMembership m = membership(consul.settings().checkMode(CheckMode.TTL).ttl(Duration.ofSeconds(3)).build());
    ServiceWatcher watcher = m.watch("baton-ttl", l -> { });
    // No gRPC server at all: a TTL check needs none.
    m.register(new ServiceRegistration("baton-ttl", "ttl-1", "127.0.0.1", 1, List.of(), Map.of()), alive::get);
    await().atMost(WAIT).until(() -> ids(watcher).equals(List.of("ttl-1")));
    assertThat(consul.checkStatuses("baton-ttl")).containsExactly(Map.entry("service:ttl-1:ttl", "ttl:passing"));

    alive.set(false);

    await().atMost(WAIT).until(() -> watcher.passing().isEmpty());
    assertThat(consul.checkStatuses("baton-ttl")).containsExactly(Map.entry("service:ttl-1:ttl", "ttl:critical"));
  }

  @Test
  void watcherKeepsTheLastGoodListWhileTheAgentIsDownAndRecoversWhenItIsBack() {
    GrpcServer server = server();
    ConsulMembership m = membership(consul.settings().build());
    List<List<ServiceInstance>> seen = new CopyOnWriteArrayList<>();
    ServiceWatcher watcher = watch(m, "baton-outage", seen);
    m.register(registration("baton-outage", "outage-1", server), () -> true);
    await().atMost(WAIT).until(() -> ids(watcher).equals(List.of("outage-1")));
    int listsBefore = seen.size();

    consul.stop();
    try {
      await().atMost(WAIT).until(() -> watcher.status().state() == ServiceWatcher.State.FAILING);
      assertThat(ids(watcher)).containsExactly("outage-1");
      assertThat(watcher.status().lastError()).isNotEmpty();
      assertThat(seen).hasSize(listsBefore); // no empty list was handed out
    } finally {
      consul.start(); // a fresh dev agent on the same ports: it knows no service and restarts its index
    }

    // The registration's anti-entropy puts the service back; the watch finds it again.
    await().atMost(Duration.ofSeconds(30)).until(() ->
        watcher.status().state() == ServiceWatcher.State.WATCHING && ids(watcher).equals(List.of("outage-1")));
    assertThat(m.registration().orElseThrow().reRegistrations()).isGreaterThanOrEqualTo(1);
    assertThat(watcher.status().consecutiveFailures()).isZero();
  }

  private static List<String> ids(ServiceWatcher watcher) {
    return watcher.passing().stream().map(ServiceInstance::id).toList();
  }
}
