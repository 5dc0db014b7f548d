package dev.baton.cli.e2e;

import static org.awaitility.Awaitility.await;

import dev.baton.cli.mesh.JavaCommand;
import dev.baton.cli.mesh.LaunchedProcess;
import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.master.journal.Journal;
import dev.baton.master.journal.JournalSettings;
import dev.baton.master.journal.Journals;
import dev.baton.runtime.postgres.PostgresServer;
import dev.baton.runtime.registry.ConsulAgent;
import dev.baton.runtime.registry.ConsulSettings;
import dev.baton.v1.InstanceHealth;
import dev.baton.v1.ListOrchestratorsRequest;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.SubmitPlanRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Baton mesh spread over network namespaces ({@link NetNamespaces}): PostgreSQL (node {@code pg}),
 * Consul ({@code consul}), three masters ({@code m1..m3}, electing their leader through Consul, on a
 * PostgreSQL journal) and one sub-orchestrator per domain (node named after its domain) plus a
 * second backend replica ({@code backend2}), every one
 * a real process started with {@code ip netns exec NS} and bound to its namespace's address, so a
 * test can cut any one of them off the others with {@link NetNamespaces#cut}.
 *
 * <p>The servers bind a non-loopback address in plaintext, so they run with {@code --insecure}
 * (docs/security.md, BindGuard): the namespaces' bridge is private to this test, and TLS would need
 * certificates naming the namespace addresses, which MeshPki does not issue (it names loopback).
 * Every namespace has its own ports, so all masters listen on 7233 and sub-orchestrators on 7300, as
 * in the Kubernetes manifests.
 *
 * <p>Test thread only, except the launchers' output pumps.
 */
final class PartitionMesh implements TakeOverMesh, AutoCloseable {
  static final Duration READY = Duration.ofSeconds(90);
  /** Election after a cut: Consul sees the leader's health check fail, or its session expire (TTL 10 s), then a standby claims. */
  static final Duration TAKE_OVER = Duration.ofSeconds(60);
  static final List<String> MASTERS = List.of("m1", "m2", "m3");
  /** Sub-orchestrator nodes and their domains: two backend replicas, so a cut one's tasks can fail over. */
  static final Map<String, String> SUBS = orderedSubs();
  static final int MASTER_PORT = 7233;
  static final int SUB_PORT = 7300;

  final NetNamespaces net;
  private final Path runDir;
  private final PostgresServer postgres = new PostgresServer();
  private final ConsulAgent consul = new ConsulAgent();
  private final Map<String, MeshLauncher> launchers = new LinkedHashMap<>();
  private final Map<String, LaunchedProcess> masters = new LinkedHashMap<>();
  private final Map<String, LaunchedProcess> subs = new LinkedHashMap<>();
  private String journalUrl;
  private Journal journal;

  private static Map<String, String> orderedSubs() {
    Map<String, String> subs = new LinkedHashMap<>();
    MeshLauncher.DOMAINS.forEach(d -> subs.put(d, d));
    subs.put("backend2", "backend");
    return java.util.Collections.unmodifiableMap(subs);
  }

  private PartitionMesh(NetNamespaces net, Path runDir) {
    this.net = net;
    this.runDir = runDir;
  }

  /** Creates the namespaces and starts everything; waits until one master leads and every domain registered with it. */
  static PartitionMesh start(String runName) throws Exception {
    Path runDir = MeshLauncher.Options.newRunDir(TestPaths.runsDir().resolve(runName));
    NetNamespaces net = NetNamespaces.create(runDir.resolve("bin"));
    PartitionMesh mesh = new PartitionMesh(net, runDir);
    try {
      net.add("pg");
      net.add("consul");
      mesh.postgres.startIn(net.address("pg"), net.exec("pg"));
      mesh.consul.startIn(net.address("consul"), net.exec("consul"));
      mesh.journalUrl = mesh.postgres.createDatabase("partition");
      for (String id : MASTERS) {
        net.add(id);
        mesh.masters.put(id, mesh.launchMaster(id));
      }
      for (LaunchedProcess m : mesh.masters.values()) {
        m.awaitReady(READY);
      }
      mesh.journal = Journals.open(mesh.journalUrl, JournalSettings.defaults(), Clock.systemUTC(), true);
      Journal.Epoch leader = mesh.awaitLeader(0);
      for (var sub : SUBS.entrySet()) {
        net.add(sub.getKey());
        mesh.subs.put(sub.getKey(), mesh.launcher(sub.getKey()).startOrchestrator(sub.getKey(), sub.getValue(),
            mesh.addresses(), SUB_PORT));
      }
      mesh.subs.values().forEach(s -> s.awaitReady(READY));
      mesh.awaitRegistered(leader.address(), Set.copyOf(mesh.instanceIds().values()), READY);
      return mesh;
    } catch (Exception | AssertionError e) {
      mesh.close();
      throw e;
    }
  }

  /** One launcher per node: its java runs in the node's namespace, its servers bind the node's address. */
  private MeshLauncher launcher(String node) {
    return launchers.computeIfAbsent(node, n -> {
      JavaCommand here = JavaCommand.current();
      JavaCommand there = new JavaCommand(net.java(n, here.java()), here.classPath(), here.jvmOptions());
      ConsulSettings settings = ConsulSettings.builder().address(consul.address()).build();
      return new MeshLauncher(new MeshLauncher.Options(runDir, runDir.resolve("workspaces"), there, net.address(n),
          READY, Duration.ofSeconds(5), settings, List.of(), List.of("--insecure"), null));
    });
  }

  private LaunchedProcess launchMaster(String id) {
    MeshLauncher l = launcher(id);
    List<String> args = new ArrayList<>(List.of("master", "--host", net.address(id), "--port", Integer.toString(MASTER_PORT),
        "--id", id, "--journal", journalUrl, "--git-dir", runDir.resolve("git-" + id).toString(), "--git-port", "-1",
        "--insecure"));
    args.addAll(l.options().registryArgs());
    return l.launch(id, args);
  }

  @Override
  public List<String> addressList() {
    return MASTERS.stream().map(this::address).toList();
  }

  String address(String masterId) {
    return net.address(masterId) + ":" + MASTER_PORT;
  }

  /** The id (node) of the master at {@code address}. */
  String idOf(String address) {
    return MASTERS.stream().filter(id -> address(id).equals(address)).findFirst()
        .orElseThrow(() -> new AssertionError("no master at " + address));
  }

  @Override
  public Journal journal() {
    return journal;
  }

  Journal.Epoch epoch() {
    return journal.currentEpoch();
  }

  /** Waits until a master claimed an epoch above {@code after} and took the plans over (its log says so). */
  Journal.Epoch awaitLeader(long after) {
    Journal.Epoch[] found = new Journal.Epoch[1];
    await("a master leading under an epoch above " + after).atMost(TAKE_OVER).pollInterval(Duration.ofMillis(20))
        .until(() -> {
          Journal.Epoch e = journal.currentEpoch();
          if (e.epoch() <= after || !log(e.holder()).contains("leads under epoch " + e.epoch() + " ")) {
            return false;
          }
          found[0] = e;
          return true;
        });
    return found[0];
  }

  /**
   * Polls the master's ListOrchestrators until every instance in {@code instanceIds} is there and
   * healthy; fails naming the missing ones after {@code timeout}.
   */
  void awaitRegistered(String masterAddress, Set<String> instanceIds, Duration timeout) {
    awaitListed(masterAddress, instanceIds, Set.of(InstanceHealth.INSTANCE_HEALTH_HEALTHY), timeout);
  }

  /**
   * Like {@link #awaitRegistered}, accepting any health in {@code accepted}: an instance back
   * from a partition is SUSPECT while its circuit breaker is half-open, until its probe delegation.
   */
  void awaitListed(String masterAddress, Set<String> instanceIds, Set<InstanceHealth> accepted, Duration timeout) {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(masterAddress).usePlaintext().build();
    try {
      MasterGrpc.MasterBlockingStub stub = MasterGrpc.newBlockingStub(channel);
      await("instances " + instanceIds + " listed " + accepted + " by " + masterAddress).atMost(timeout)
          .pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> stub.withDeadlineAfter(2, TimeUnit.SECONDS)
              .listOrchestrators(ListOrchestratorsRequest.getDefaultInstance()).getInstancesList().stream()
              .filter(i -> accepted.contains(i.getHealth()))
              .map(i -> i.getOrchestrator().getId()).collect(Collectors.toSet()).containsAll(instanceIds));
    } finally {
      channel.shutdownNow();
    }
  }

  /** A node's log (stderr), as written so far. */
  String log(String node) {
    try {
      Path file = runDir.resolve(node + ".log");
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The sub-orchestrator on {@code node} (a domain's name, or {@code backend2}). */
  LaunchedProcess sub(String node) {
    return subs.get(node);
  }

  /** Submits a plan to whichever master leads, following a standby's hint. */
  @Override
  public String submit(String yaml, double timeScale) {
    SubmitPlanRequest request = SubmitPlanRequest.newBuilder().setPlanYaml(yaml).setTimeScale(timeScale)
        .setRequestId("partition-" + System.nanoTime()).build();
    return TakeOverMesh.submitToLeader(epoch().address(), () -> epoch().address(), request);
  }

  /** SubmitPlan to one master, no retry; returns the plan id or throws what the master said. */
  static String submitTo(String address, SubmitPlanRequest request) {
    return TakeOverMesh.submitTo(address, request, Duration.ofSeconds(5));
  }

  @Override
  public void cancel(String planId) {
    TakeOverMesh.cancelOn(epoch().address(), planId);
  }

  @Override
  public Map<String, LoadMetrics> loads() {
    return TakeOverMesh.describeLoads(subs);
  }

  /** Each sub-orchestrator's instance id, keyed by node (so the two backend replicas differ). */
  @Override
  public Map<String, String> instanceIds() {
    Map<String, String> ids = new LinkedHashMap<>();
    subs.forEach((domain, p) -> ids.put(domain, p.readyLine().id()));
    return ids;
  }

  @Override
  public void close() {
    try {
      for (MeshLauncher l : launchers.values()) {
        try {
          l.close();
        } finally {
          l.killAll();
        }
      }
    } finally {
      if (journal != null) {
        journal.close();
      }
      consul.shutDown();
      postgres.shutDown();
      net.close();
    }
  }
}
