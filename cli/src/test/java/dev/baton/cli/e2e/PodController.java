package dev.baton.cli.e2e;

import static org.awaitility.Awaitility.await;

import dev.baton.cli.mesh.LaunchedProcess;
import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.master.journal.Journal;
import dev.baton.master.journal.JournalSettings;
import dev.baton.master.journal.Journals;
import dev.baton.v1.DescribeRequest;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.SubOrchestratorGrpc;
import dev.baton.v1.SubmitPlanRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What Kubernetes' controllers do to Baton's pods, played with local processes: a StatefulSet of
 * three masters ({@code baton-master-0..2}, each on its fixed port, started again under the same
 * name and id when it dies) and a Deployment per domain ({@code baton-<domain>-<n>}, a dead pod
 * replaced by a new process with a new name and instance id). A kill is a pod deletion: SIGKILL to
 * the process and its children at once (grace 0, as Chaos Mesh's pod-kill), or SIGTERM and SIGKILL
 * after the grace period (a graceful delete). Arguments come from {@link PodArgs}, the manifests'
 * container args.
 *
 * <p>Test thread only (kills, replacements and queries); the launcher's output pumps are its own.
 * Replacements are started without waiting: a pod counts as a candidate for the next kill only
 * once it printed its ready line, as a pod is Running and Ready only then.
 */
final class PodController implements TakeOverMesh, AutoCloseable {
  static final Duration READY = Duration.ofSeconds(90);
  static final int MASTERS = 3;

  /** One pod: its name, role (master or a domain) and the process now behind it. */
  static final class Pod {
    final String name;
    final String role;
    LaunchedProcess process;
    /** Instance ids this pod ran under, oldest first (a master keeps its id; each sub-orchestrator pod has one). */
    final List<String> instanceIds = new ArrayList<>();

    Pod(String name, String role) {
      this.name = name;
      this.role = role;
    }

    boolean master() {
      return role.equals("master");
    }

    /** The process's health port, or -1 on a CLI without {@code --health-port}. */
    int healthPort = -1;
    /** Once the readiness probe passed: a Ready pod stays a candidate until it is deleted. */
    boolean serving;

    /**
     * Running and Ready: the ready line printed and, with a health port, {@code grpc.health.v1}
     * SERVING for service "" (the manifests' readinessProbe; a sub-orchestrator turns SERVING once
     * registered with a master).
     */
    boolean ready() {
      if (!process.isAlive() || process.readyLine() == null) {
        return false;
      }
      if (healthPort > 0 && !serving) {
        serving = PodController.serving(healthPort);
      }
      return healthPort <= 0 || serving;
    }
  }

  /** One readiness probe: {@code grpc.health.v1} Check of service "" on the health port. */
  static boolean serving(int healthPort) {
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", healthPort).usePlaintext().build();
    try {
      return io.grpc.health.v1.HealthGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
          .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance()).getStatus()
          == io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING;
    } catch (StatusRuntimeException e) {
      return false;
    } finally {
      channel.shutdownNow();
    }
  }

  /** One pod deletion: when, which pod and instance, how, and whether it was the leading master. */
  record Kill(Instant at, String pod, String role, String instanceId, String signal, boolean leader) {}

  private final MeshLauncher launcher;
  private final Journal journal;
  private final Map<String, String> env;
  private final Map<String, Integer> masterPorts = new LinkedHashMap<>();
  private final Map<String, Integer> gitPorts = new LinkedHashMap<>();
  private final Map<String, Pod> pods = new LinkedHashMap<>();
  private final List<Pod> deleted = new ArrayList<>();
  private final List<Kill> kills = new ArrayList<>();
  private int podsCreated;

  private PodController(MeshLauncher launcher, String journalUrl, String consulAddress) {
    this.launcher = launcher;
    this.env = Map.of("POD_IP", "127.0.0.1", "POD_NAMESPACE", "baton", "BATON_JOURNAL_URL", journalUrl,
        "CONSUL_HTTP_ADDR", consulAddress);
    this.journal = Journals.open(journalUrl, JournalSettings.defaults(), Clock.systemUTC(), true);
  }

  /** Creates the StatefulSet and the Deployments ({@code replicas} per domain) and waits until all are registered. */
  static PodController start(String runName, String journalUrl, String consulAddress, int replicas) {
    MeshLauncher launcher = new MeshLauncher(MeshLauncher.Options.in(
            MeshLauncher.Options.newRunDir(TestPaths.runsDir().resolve(runName)))
        .withReadyTimeout(READY).withStopGrace(Duration.ofSeconds(5)));
    PodController c = new PodController(launcher, journalUrl, consulAddress);
    try {
      for (int i = 0; i < MASTERS; i++) {
        String name = "baton-master-" + i;
        c.masterPorts.put(name, MasterTrio.freePort());
        c.gitPorts.put(name, MasterTrio.freePort());
        c.create(name, "master");
      }
      c.awaitAllReady();
      for (String domain : MeshLauncher.DOMAINS) {
        for (int r = 0; r < replicas; r++) {
          c.create(c.nextSubName(domain), domain);
        }
      }
      c.awaitAllReady();
      MeshLauncher.awaitRegistered(c.leaderAddress(), Set.copyOf(MeshLauncher.DOMAINS), READY);
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private String nextSubName(String domain) {
    return "baton-" + domain + "-" + (++podsCreated);
  }

  /** Starts the pod's process from the manifests' args, without waiting for it. */
  private Pod create(String name, String role) {
    Pod pod = pods.computeIfAbsent(name, n -> new Pod(n, role));
    Path volume = launcher.options().runDir().resolve("volumes").resolve(name);
    Map<String, String> podEnv = new LinkedHashMap<>(env);
    podEnv.put("POD_NAME", name);
    List<String> args;
    int health = MasterTrio.freePort();
    if (pod.master()) {
      args = PodArgs.render(PodArgs.MASTER, podEnv, Map.of("--port", masterPorts.get(name), "--git-port", gitPorts.get(name),
          "--health-port", health, "--metrics-port", MasterTrio.freePort(), "--advertise", "127.0.0.1"), volume);
    } else {
      podEnv.put("DOMAIN", role);
      args = PodArgs.render(PodArgs.ORCHESTRATOR, podEnv, Map.of("--port", 0,
          "--health-port", health, "--metrics-port", MasterTrio.freePort()), volume);
    }
    pod.healthPort = PodArgs.PROBES ? health : -1;
    pod.serving = false;
    pod.process = launcher.launch(name, args);
    return pod;
  }

  /** Waits until every pod printed its ready line and passes its readiness probe (a rollout's end); records the instance ids. */
  void awaitAllReady() {
    for (Pod p : pods.values()) {
      String id = p.process.awaitReady(READY).id();
      if (p.instanceIds.isEmpty() || !p.instanceIds.get(p.instanceIds.size() - 1).equals(id)) {
        p.instanceIds.add(id);
      }
      await(p.name + " Ready (grpc.health.v1 SERVING on its health port)").atMost(READY)
          .pollInterval(Duration.ofMillis(100)).until(p::ready);
    }
  }

  /** Pods that are Running and Ready, in creation order: the candidates of a kill. */
  List<Pod> readyPods() {
    List<Pod> ready = new ArrayList<>();
    for (Pod p : pods.values()) {
      if (p.ready()) {
        if (p.instanceIds.isEmpty() || !p.instanceIds.get(p.instanceIds.size() - 1).equals(p.process.readyLine().id())) {
          p.instanceIds.add(p.process.readyLine().id());
        }
        ready.add(p);
      }
    }
    return ready;
  }

  /**
   * Deletes the pod: SIGKILL to it and its children (grace zero), or SIGTERM and, after
   * {@code grace}, SIGKILL; then does what its controller does: the StatefulSet starts the same
   * master again, the Deployment a new pod. Returns when the old process is gone.
   */
  Kill delete(Pod pod, Duration grace) {
    boolean leader = pod.master() && epoch().holder().equals(pod.name);
    String instance = pod.process.readyLine() == null ? "?" : pod.process.readyLine().id();
    Instant at = Instant.now();
    String signal;
    if (grace.isZero()) {
      signal = "SIGKILL";
      pod.process.kill();
    } else {
      signal = "SIGTERM";
      pod.process.handle().destroy();
      if (pod.process.onExit().completeOnTimeout(null, grace.toMillis(), TimeUnit.MILLISECONDS).join() == null) {
        signal = "SIGTERM+SIGKILL";
        pod.process.kill();
      }
    }
    LaunchedProcess old = pod.process;
    await(pod.name + " gone").atMost(Duration.ofSeconds(15)).until(() -> !old.isAlive());
    Kill kill = new Kill(at, pod.name, pod.role, instance, signal, leader);
    kills.add(kill);
    if (pod.master()) {
      create(pod.name, pod.role);
    } else {
      pods.remove(pod.name);
      deleted.add(pod);
      create(nextSubName(pod.role), pod.role);
    }
    return kill;
  }

  List<Kill> kills() {
    return List.copyOf(kills);
  }

  /** Instance ids of sub-orchestrator pods that were deleted. */
  Set<String> deletedInstances() {
    Set<String> ids = new java.util.TreeSet<>();
    deleted.forEach(p -> ids.addAll(p.instanceIds));
    return ids;
  }

  /** Live sub-orchestrator pods never deleted, by instance id, with their process. */
  Map<String, LaunchedProcess> liveSubs() {
    Map<String, LaunchedProcess> live = new LinkedHashMap<>();
    for (Pod p : readyPods()) {
      if (!p.master()) {
        live.put(p.process.readyLine().id(), p.process);
      }
    }
    return live;
  }

  Journal.Epoch epoch() {
    return journal.currentEpoch();
  }

  private String leaderAddress() {
    await("a leading master").atMost(MasterTrio.TAKE_OVER).until(() -> epoch().epoch() > 0);
    return epoch().address();
  }

  /** The masters' count of leaders so far: the epochs claimed in the journal. */
  long epochsClaimed() {
    return journal.epochs().size();
  }

  @Override
  public List<String> addressList() {
    return masterPorts.values().stream().map(p -> "127.0.0.1:" + p).toList();
  }

  @Override
  public String submit(String yaml, double timeScale) {
    SubmitPlanRequest request = SubmitPlanRequest.newBuilder().setPlanYaml(yaml).setTimeScale(timeScale)
        .setRequestId("podkill-" + System.nanoTime()).build();
    return TakeOverMesh.submitToLeader(leaderAddress(), () -> epoch().address(), request);
  }

  /** Each live sub-orchestrator's load, by instance id. */
  @Override
  public Map<String, LoadMetrics> loads() {
    Map<String, LoadMetrics> loads = new LinkedHashMap<>();
    liveSubs().forEach((id, p) -> loads.put(id, load(p.address())));
    return loads;
  }

  static LoadMetrics load(String address) {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(address).usePlaintext().build();
    try {
      return SubOrchestratorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .describe(DescribeRequest.getDefaultInstance()).getLoad();
    } finally {
      channel.shutdownNow();
    }
  }

  /** Instance id to domain, of every sub-orchestrator pod that ever was ready (deleted ones included). */
  @Override
  public Map<String, String> instanceIds() {
    Map<String, String> ids = new LinkedHashMap<>();
    for (Pod p : deleted) {
      p.instanceIds.forEach(id -> ids.put(id, p.role));
    }
    for (Pod p : pods.values()) {
      if (!p.master()) {
        p.instanceIds.forEach(id -> ids.put(id, p.role));
      }
    }
    return ids;
  }

  @Override
  public void cancel(String planId) {
    TakeOverMesh.cancelOn(epoch().address(), planId);
  }

  @Override
  public Journal journal() {
    return journal;
  }

  /** The pod's log (stderr), across a master's restarts. */
  String log(String pod) {
    try {
      Path file = runDir().resolve(pod + ".log");
      return java.nio.file.Files.exists(file) ? java.nio.file.Files.readString(file) : "";
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  Path runDir() {
    return launcher.options().runDir();
  }

  @Override
  public void close() {
    try {
      launcher.close();
    } finally {
      launcher.killAll();
      journal.close();
    }
  }
}
