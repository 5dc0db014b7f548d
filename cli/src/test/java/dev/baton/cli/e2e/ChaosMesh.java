package dev.baton.cli.e2e;

import static org.awaitility.Awaitility.await;

import dev.baton.cli.mesh.LaunchedProcess;
import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.runtime.registry.ConsulSettings;
import dev.baton.v1.InstanceHealth;
import dev.baton.v1.ListOrchestratorsRequest;
import dev.baton.v1.OrchestratorInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A mesh of separate processes registered in Consul with several replicas per domain, for chaos
 * tests: replicas are started, killed (SIGKILL), hung (SIGSTOP) and replaced one by one, and
 * each is known by the instance id of its ready line.
 */
final class ChaosMesh implements AutoCloseable {
  static final Duration READY = Duration.ofSeconds(90);

  private final MeshLauncher launcher;
  private final LaunchedProcess master;
  private final MasterApi api;
  /** Instance id to process, in start order; dead ones stay (their id is still in events). */
  private final Map<String, LaunchedProcess> replicas = new LinkedHashMap<>();
  private final Map<String, String> domainOf = new LinkedHashMap<>();
  private final AtomicInteger started = new AtomicInteger();

  private ChaosMesh(MeshLauncher launcher, LaunchedProcess master) {
    this.launcher = launcher;
    this.master = master;
    this.api = new MasterApi(master.address());
  }

  /** The master and {@code perDomain} replicas of each of the four domains, all healthy in the master's view. */
  static ChaosMesh start(String consulAddress, String runName, int perDomain) {
    MeshLauncher launcher = new MeshLauncher(
        MeshLauncher.Options.in(MeshLauncher.Options.newRunDir(TestPaths.runsDir().resolve(runName)))
            .withReadyTimeout(READY)
            .withStopGrace(Duration.ofSeconds(5))
            .withConsul(ConsulSettings.builder().address(consulAddress).build()));
    try {
      ChaosMesh mesh = new ChaosMesh(launcher, launcher.startMaster(0));
      for (String domain : MeshLauncher.DOMAINS) {
        mesh.ensure(domain, perDomain);
      }
      return mesh;
    } catch (RuntimeException e) {
      launcher.killAll();
      throw e;
    }
  }

  MasterApi api() {
    return api;
  }

  String masterAddress() {
    return master.address();
  }

  /** Starts replicas of {@code domain} until {@code n} are alive, then waits until the master sees them healthy. */
  void ensure(String domain, int n) {
    List<LaunchedProcess> fresh = new ArrayList<>();
    for (int i = alive(domain).size(); i < n; i++) {
      fresh.add(startReplica(domain));
    }
    fresh.forEach(this::awaitReady);
    awaitHealthy(alive(domain));
  }

  /** Starts one more replica of {@code domain} without waiting for it. */
  LaunchedProcess startReplica(String domain) {
    return launcher.startOrchestrator(domain + "-" + started.incrementAndGet(), domain, master.address(), 0);
  }

  /** Waits for the ready line and records the replica under its instance id. */
  String awaitReady(LaunchedProcess p) {
    String id = p.awaitReady(READY).id();
    synchronized (this) {
      replicas.put(id, p);
      domainOf.put(id, p.readyLine().domain());
    }
    return id;
  }

  /** Waits until the master lists every one of {@code ids} as HEALTHY. */
  void awaitHealthy(Set<String> ids) {
    await("instances " + ids + " healthy at the master").atMost(READY).pollInterval(Duration.ofMillis(100))
        .until(() -> healthyIds().containsAll(ids));
  }

  Set<String> healthyIds() {
    return api.call().listOrchestrators(ListOrchestratorsRequest.getDefaultInstance()).getInstancesList().stream()
        .filter(i -> i.getHealth() == InstanceHealth.INSTANCE_HEALTH_HEALTHY)
        .map(OrchestratorInstance::getOrchestrator).map(o -> o.getId()).collect(Collectors.toSet());
  }

  /** Ids of the live replicas of {@code domain}. */
  synchronized Set<String> alive(String domain) {
    return replicas.entrySet().stream()
        .filter(e -> domainOf.get(e.getKey()).equals(domain) && e.getValue().isAlive())
        .map(Map.Entry::getKey).collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  synchronized LaunchedProcess process(String instanceId) {
    LaunchedProcess p = replicas.get(instanceId);
    if (p == null) {
      throw new IllegalArgumentException("no replica " + instanceId + " (known: " + replicas.keySet() + ")");
    }
    return p;
  }

  synchronized String domainOf(String instanceId) {
    return domainOf.get(instanceId);
  }

  /** SIGKILL to the replica (and its droids); returns when it was sent. */
  Instant kill(String instanceId) {
    LaunchedProcess p = process(instanceId);
    Instant at = Instant.now();
    p.handle().destroyForcibly();
    return at;
  }

  /** SIGSTOP to the replica; returns when it was sent. */
  Instant suspend(String instanceId) {
    LaunchedProcess p = process(instanceId);
    Instant at = Instant.now();
    p.suspend();
    return at;
  }

  /** Resumes a suspended replica and kills it, waiting for its end: nothing is left hanging. */
  void resumeAndKill(String instanceId) {
    LaunchedProcess p = process(instanceId);
    if (p.isAlive()) {
      p.resume();
      p.kill();
    }
  }

  @Override
  public void close() {
    api.close();
    // A suspended child would ignore SIGTERM until the grace ran out: wake every one first.
    replicas.values().stream().filter(LaunchedProcess::isAlive).forEach(p -> {
      try {
        p.resume();
      } catch (RuntimeException ignored) {
        // it ended meanwhile
      }
    });
    try {
      launcher.close();
    } finally {
      launcher.killAll();
    }
  }
}
