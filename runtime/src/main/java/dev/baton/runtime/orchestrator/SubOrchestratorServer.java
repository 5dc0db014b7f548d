package dev.baton.runtime.orchestrator;

import dev.baton.runtime.containment.Containments;
import dev.baton.runtime.containment.ProcessContainment;
import dev.baton.runtime.coordination.CoordinationClient;
import dev.baton.runtime.coordination.MasterLocator;
import dev.baton.runtime.coordination.Messenger;
import dev.baton.runtime.coordination.PeerService;
import dev.baton.runtime.droid.CommandDroidExecutor;
import dev.baton.runtime.droid.SimDroidExecutor;
import dev.baton.runtime.droid.definition.DroidSources;
import dev.baton.runtime.execution.DroidSelector;
import dev.baton.runtime.execution.ExecutionManager;
import dev.baton.runtime.execution.PolicyGate;
import dev.baton.runtime.policy.DomainPolicy;
import dev.baton.runtime.policy.Redactor;
import dev.baton.runtime.execution.TaskPipeline;
import dev.baton.runtime.droid.VerifyCommand;
import dev.baton.runtime.droid.definition.DroidDefinition;
import dev.baton.runtime.agent.AgentSettings;
import dev.baton.runtime.agent.ClaudeRunner;
import dev.baton.runtime.agent.CodexRunner;
import dev.baton.runtime.agent.FactoryDroidRunner;
import dev.baton.runtime.agent.PriceTable;
import dev.baton.runtime.agent.ScriptedRunner;
import dev.baton.runtime.droid.DroidExecutor;
import dev.baton.runtime.git.TaskWorkspaces;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import dev.baton.runtime.prompt.PromptRenderer;
import java.util.Optional;
import dev.baton.runtime.registry.ConsulMembership;
import dev.baton.runtime.registry.DescriptorMeta;
import dev.baton.runtime.registry.LeaderKey;
import dev.baton.runtime.registry.ServiceInstance;
import dev.baton.runtime.registry.ServiceNames;
import dev.baton.runtime.server.GrpcServer;
import dev.baton.v1.CrossOrchestratorMessage;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.Register;
import dev.baton.v1.Registered;
import dev.baton.v1.SharedState;
import dev.baton.v1.SubOrchestratorDescriptor;
import dev.baton.v1.SyncNotify;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running sub-orchestrator instance: serves {@code baton.v1.SubOrchestrator} (plus health and
 * reflection) and keeps its Coordinate stream to the master open.
 *
 * <p>The server starts serving before the master is reachable: the coordination client keeps
 * redialling, so orchestrators and master may start in any order. Given several master addresses
 * it tries them in turn and follows a standby's leader hint. With Consul configured the instance
 * also registers there as {@code baton-<domain>}, finds the master as the holder of the leader key
 * ({@link LeaderKey#DEFAULT}), else the first passing {@code baton-master} (asked again before each
 * redial), and its peers as the passing instances of every domain.
 *
 * <p>While no master is reachable the instance keeps running its tasks and keeps their results
 * (the {@link ExecutionManager}'s retention); each Register reports every execution it holds, so a
 * master that takes over reconciles instead of delegating again. Calls from a master older than
 * one already heard from are refused ({@link EpochFence}).
 */
public final class SubOrchestratorServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SubOrchestratorServer.class);
  /**
   * Most executions one Register reports (about 150 bytes each: 4,096 make some 600 KB, well under
   * the master's 20 MiB inbound limit): every retained one at the default retention of 2,000.
   */
  public static final int MAX_HELD_REPORTED = 4_096;
  /** How often kept worktrees are swept. */
  static final Duration SWEEP_EVERY = Duration.ofMinutes(10);

  private final Specialisation specialisation;
  private final DroidSources droids;
  private final String instanceId;
  private final int maxConcurrentTasks;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService callbacks;
  /** The git worktrees of tasks of plans with a repository. */
  private final TaskWorkspaces workspaces;
  /** Worktree disk use as of the last sweep (null before the first). */
  private volatile TaskWorkspaces.DiskUsage worktreeUsage;
  /** Runs the blocking steps of tasks (git worktrees, verify commands): one thread per such step. */
  private final ExecutorService blocking;
  private final ExecutionManager manager;
  /** The droid policy resolved for this domain: enforced at Delegate, published in the descriptor. */
  private final DomainPolicy policy;
  private final String defaultRunner;
  private final Messenger messenger;
  private final EpochFence fence;
  /** What every process started for a task runs in: command, verify, set-up, agent CLI. */
  private final ProcessContainment containment;
  private volatile GrpcServer grpc;
  /** Health follows the Coordinate registration (false with Consul); set once at start. */
  private volatile boolean followsRegistration;
  private volatile CoordinationClient coordination;
  private volatile ConsulMembership consul;
  private final Object closeLock = new Object();
  private boolean closed;
  /** Set once by {@link #drainAndClose}: heartbeats then say so, and health stays NOT_SERVING. */
  private volatile boolean draining;
  private volatile SubOrchestratorService service;
  /** The host others dial (null: the bound one). */
  private final String advertise;

  private SubOrchestratorServer(OrchestratorConfig config, Specialisation specialisation) {
    this.specialisation = specialisation;
    this.advertise = config.advertise();
    SpecialisationProfile profile = specialisation.profile();
    this.droids = DroidSources.of(profile.droids(), config.droidsDir());
    this.instanceId = config.instanceIdFor(profile.domain());
    this.maxConcurrentTasks =
        config.maxConcurrentTasks() > 0 ? config.maxConcurrentTasks() : profile.maxConcurrentTasks();
    this.scheduler = Executors.newScheduledThreadPool(2, daemon(instanceId + "-scheduler"));
    this.callbacks = Executors.newSingleThreadExecutor(daemon(instanceId + "-outcomes"));
    this.blocking = Executors.newCachedThreadPool(daemon(instanceId + "-tasks"));
    this.containment = Containments.named(config.containment());
    AgentOptions agents = config.agents();
    PriceTable prices = agents.pricesFile() == null ? PriceTable.defaults() : PriceTable.load(agents.pricesFile());
    Path gitDir = agents.gitDir() != null ? agents.gitDir() : config.workspaceRoot().resolve("git");
    TaskWorkspaces.Settings worktrees = TaskWorkspaces.Settings.defaults(gitDir);
    if (agents.repoFiles() != null) {
      worktrees = worktrees.withFilesDirectory(agents.repoFiles());
    }
    this.policy = config.policy().forDomain(profile.domain());
    this.workspaces = new TaskWorkspaces(worktrees, Clock.systemUTC(), containment, policy.environment(System.getenv()),
        config.gitTls() == null ? null : new dev.baton.runtime.git.GitTls(config.gitTls(), gitDir));
    TaskPipeline.Settings pipeline = new TaskPipeline.Settings(
        instanceId,
        config.workspaceRoot(),
        workspaces,
        agents.promptTemplate() == null ? PromptRenderer.builtIn() : PromptRenderer.fromFile(agents.promptTemplate()),
        new VerifyCommand(config.defaultCommandTimeout(), CommandDroidExecutor.DEFAULT_KILL_GRACE, scheduler,
            containment),
        (worktree, droid) -> droids.forRepository(worktree).find(droid),
        blocking,
        scheduler);
    this.defaultRunner = agents.defaultRunner();
    Map<String, String> host = System.getenv();
    List<String> keyVariables = AgentSettings.DEFAULT_KEYS.values().stream().flatMap(List::stream).toList();
    Map<String, DroidExecutor> runners = new LinkedHashMap<>();
    runners.put(ExecutionManager.SIM, new SimDroidExecutor(config.workspaceRoot(), scheduler));
    runners.put(ExecutionManager.COMMAND,
        new CommandDroidExecutor(config.workspaceRoot(), config.defaultCommandTimeout(), scheduler, containment));
    runners.put(ScriptedRunner.KIND, new ScriptedRunner(agents.scenarioDir(), scheduler, Clock.systemUTC(), prices));
    runners.put(ClaudeRunner.KIND,
        new ClaudeRunner(cli(agents, ClaudeRunner.KIND, prices, policy), scheduler, containment));
    runners.put(FactoryDroidRunner.KIND,
        new FactoryDroidRunner(cli(agents, FactoryDroidRunner.KIND, prices, policy), scheduler, containment));
    runners.put(CodexRunner.KIND, new CodexRunner(cli(agents, CodexRunner.KIND, prices, policy), scheduler, containment));
    this.manager = new ExecutionManager(
        ExecutionManager.Settings.of(instanceId, maxConcurrentTasks),
        Clock.systemUTC(),
        new DroidSelector(droids.pool()),
        TaskPipeline.wrapAll(runners, pipeline),
        name -> droids.pool().find(name).orElseGet(() -> DroidDefinition.builtIn(name, "", List.of())),
        agents.defaultRunner(),
        callbacks,
        new PolicyGate(policy, host),
        Redactor.forOrchestrator(agents.secretsDir(), host, keyVariables));
    log.info("{} runs droids under the {} policy ({}): runners {}, network {}", instanceId, profile.domain(),
        policy.source(), policy.runners(), policy.network() ? "allowed" : "cut");
    // Kept worktrees of failed attempts go after their retention, and the oldest past the disk bound.
    // Their disk use is measured then too (walking the trees is too slow for every heartbeat).
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        workspaces.sweep();
        worktreeUsage = workspaces.diskUsage();
      } catch (RuntimeException e) {
        log.warn("sweeping kept worktrees failed", e);
      }
    }, 0, SWEEP_EVERY.toMinutes(), TimeUnit.MINUTES);
    this.messenger = new Messenger(instanceId, Clock.systemUTC(), scheduler, callbacks, Messenger.DEFAULT_DIRECT_DEADLINE);
    this.fence = new EpochFence(instanceId);
  }

  /**
   * Starts serving on {@code config.host():config.port()} and dials the master.
   *
   * @throws dev.baton.runtime.droid.definition.DroidDefinitionException for the first bad file of
   *     {@code config.droidsDir()}, before anything listens
   */
  public static SubOrchestratorServer start(OrchestratorConfig config, Specialisation specialisation) {
    SubOrchestratorServer server = new SubOrchestratorServer(config, specialisation);
    try {
      server.service =
          new SubOrchestratorService(server.manager, server::descriptor, server::load, server.instanceId, server.fence);
      server.grpc = GrpcServer.start(config.host(), config.port(), List.of(server.service,
          new PeerService(server.messenger)), List.of(), config.security().server());
      // NOT_SERVING until the master answers Registered (CoordinationHandler.onRegistration), so a
      // probe (Kubernetes) sees an instance no master can delegate to. With Consul the masters take
      // instances from Consul, whose gRPC check is this health: there an instance passing in Consul
      // is delegable without a Coordinate stream (docs/consul.md), so health stays SERVING.
      server.followsRegistration = config.consul() == null;
      if (server.followsRegistration) {
        server.grpc.setServing(false);
      }
      server.messenger.security(config.security().client());
      CoordinationClient.Settings coordinationSettings;
      if (config.consul() != null) {
        server.consul = ConsulMembership.connect(config.consul(), server.scheduler, Clock.systemUTC(), new Random());
        server.consul.watch(ServiceNames.MASTER, passing -> { });
        for (String domain : ServiceNames.DOMAINS) {
          server.consul.watch(ServiceNames.forDomain(domain), passing -> { });
        }
        coordinationSettings = CoordinationClient.Settings.of(
            MasterLocator.firstOf(List.of(server::leaderFromConsul, server::mastersFromConsul)),
            server.instanceId, config.heartbeatInterval());
        server.messenger.resolver(server::peerFromConsul);
      } else {
        coordinationSettings = CoordinationClient.Settings.of(
            MasterLocator.fixed(config.masterAddresses()), server.instanceId, config.heartbeatInterval());
      }
      server.coordination = new CoordinationClient(
          coordinationSettings,
          server.new CoordinationHandler(),
          server.scheduler,
          Clock.systemUTC(),
          new Random()).security(config.security().client());
      server.messenger.attach(server.coordination);
      server.coordination.start();
      if (server.consul != null) {
        String address = server.advertisedAddress();
        int colon = address.lastIndexOf(':');
        server.consul.register(
            DescriptorMeta.registration(server.descriptor(), address.substring(0, colon), server.grpc.port())
                .withTls(!config.security().server().isPlaintext()),
            () -> !server.isClosed());
      }
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    log.info("{} orchestrator {} serving on {} (max {} concurrent tasks, task processes contained by {}), master at {}",
        specialisation.domain(), server.instanceId, server.address(), server.maxConcurrentTasks,
        server.containment.name(),
        config.consul() == null ? config.masterAddress() : "consul:" + ServiceNames.MASTER + " via " + config.consul().address());
    return server;
  }

  /** {@code host:port} that clients on this machine can dial. */
  public String address() {
    GrpcServer g = grpc;
    return g == null ? "" : g.address();
  }

  /** {@code host:port} the master and peers dial: the advertised host when set, else {@link #address()}. */
  public String advertisedAddress() {
    GrpcServer g = grpc;
    if (g == null) {
      return "";
    }
    if (advertise == null) {
      return g.address();
    }
    return com.google.common.net.HostAndPort.fromParts(advertise, g.port()).toString();
  }

  public String instanceId() {
    return instanceId;
  }

  public String domain() {
    return specialisation.domain();
  }

  /**
   * This instance's droid sources: {@link DroidSources#pool()} is what Describe reports and the
   * droid choice picks from; {@link DroidSources#forRepository} is the pool of one task's worktree.
   */
  public DroidSources droids() {
    return droids;
  }

  /** The descriptor as Describe returns it now (master id and peers once registered). */
  public SubOrchestratorDescriptor descriptor() {
    CoordinationClient c = coordination;
    Registered registered = c == null ? null : c.lastRegistered().orElse(null);
    ConsulMembership m = consul;
    String masterId = registered == null ? "" : registered.getMasterId();
    List<String> peers = registered == null ? List.of() : registered.getPeersList();
    if (m != null) {
      List<ServiceInstance> masters = m.passing(ServiceNames.MASTER);
      if (masterId.isEmpty() && !masters.isEmpty()) {
        masterId = masters.get(0).id();
      }
      peers = new ArrayList<>();
      for (String domain : ServiceNames.DOMAINS) {
        for (ServiceInstance peer : m.passing(ServiceNames.forDomain(domain))) {
          peers.add(peer.id());
        }
      }
    }
    return ProtoMapper.descriptor(
        specialisation.profile(), droids.pool(), instanceId, advertisedAddress(), maxConcurrentTasks, masterId, peers)
        .toBuilder().setProcessContainment(containment.name())
        .setPolicy(policy.toProto().toBuilder().setDefaultRunner(defaultRunner)).build();
  }

  /** What this instance's task processes run in. */
  public ProcessContainment containment() {
    return containment;
  }

  /** The Consul membership when configured: its registration and watch statuses, for operators and tests. */
  public java.util.Optional<ConsulMembership> consul() {
    return java.util.Optional.ofNullable(consul);
  }

  /**
   * Sends a cross-orchestrator message: directly to a peer whose address is known, else through the
   * master (which also fans a message with no recipient out to the subscribers of its subject).
   * Completes when the message was delivered to the peer or queued for the master.
   */
  public CompletableFuture<Void> send(CrossOrchestratorMessage message) {
    return messenger.send(message);
  }

  /**
   * Sends a message that requires a response; completes with the response (same correlation id), or
   * fails with DEADLINE_EXCEEDED naming the peer and the subject after {@code timeout}.
   */
  public CompletableFuture<CrossOrchestratorMessage> request(CrossOrchestratorMessage message, Duration timeout) {
    return messenger.request(message, timeout);
  }

  /**
   * Receives the messages whose subject matches {@code subject} (exact, a prefix ending in *, or *),
   * whether addressed to this instance or published by a peer; the listener's return value answers a
   * request. Runs on this orchestrator's callback thread.
   */
  public void subscribe(String subject, Messenger.Listener listener) {
    messenger.subscribe(subject, listener);
  }

  /** Its messaging (direct and relayed counts), for tests and benchmarks. */
  public Messenger messenger() {
    return messenger;
  }

  /** A passing peer's address in Consul, null when Consul does not know it. */
  private String peerFromConsul(String peerId) {
    ConsulMembership m = consul;
    if (m == null) {
      return null;
    }
    for (String domain : ServiceNames.DOMAINS) {
      for (ServiceInstance peer : m.passing(ServiceNames.forDomain(domain))) {
        if (peer.id().equals(peerId)) {
          return peer.address();
        }
      }
    }
    return null;
  }

  /** The leader named by the leader key, when a session holds it. */
  private List<String> leaderFromConsul() {
    ConsulMembership m = consul;
    return m == null ? List.of() : m.leader(LeaderKey.DEFAULT).map(List::of).orElse(List.of());
  }

  /** Every passing baton-master in Consul (by id): a standby among them names the leader. */
  private List<String> mastersFromConsul() {
    ConsulMembership m = consul;
    List<ServiceInstance> masters = m == null ? List.of() : m.passing(ServiceNames.MASTER);
    return masters.stream().map(ServiceInstance::address).toList();
  }

  /** The highest master epoch this instance has accepted a call from (0: none carried one). */
  public long masterEpoch() {
    return fence.newest();
  }

  private boolean isClosed() {
    synchronized (closeLock) {
      return closed;
    }
  }

  public LoadMetrics load() {
    TaskWorkspaces.DiskUsage disk = worktreeUsage;
    LoadMetrics load = manager.load();
    if (draining) {
      load = load.toBuilder().setDraining(true).build();
    }
    return disk == null ? load : load.toBuilder().setWorktreesActive(disk.activeCount())
        .setWorktreesKept(disk.keptCount()).setWorktreesKeptBytes(disk.keptBytes()).build();
  }

  /**
   * Serves this instance's health on a plaintext port of its own (see {@link
   * dev.baton.runtime.server.HealthPort}), for probes that cannot speak TLS; the caller closes it
   * after this server.
   */
  public dev.baton.runtime.server.HealthPort startHealthPort(int port) {
    return grpc.startHealthPort(port);
  }

  /** The slots this instance runs tasks in. */
  public int maxConcurrentTasks() {
    return maxConcurrentTasks;
  }

  /** True once {@link #drainAndClose} began. */
  public boolean draining() {
    return draining;
  }

  /**
   * Leaves gracefully, as on SIGTERM in Kubernetes: turns health NOT_SERVING, tells the master at
   * once (a heartbeat saying draining: it chooses this instance for nothing new and does not count
   * it as failed), lets the tasks it holds finish, queued ones included, until their last updates
   * were written to the master, or until {@code timeout}; then {@link #close()}s, and what still runs
   * then is lost to the master's failover as after a crash. With Consul the registration stays
   * until close, so the master keeps hearing the instance's own account; its health check fails
   * from now on, so nothing else picks it. Blocks the calling thread (the shutdown hook's).
   *
   * @return true when everything finished and was reported within the timeout
   */
  public boolean drainAndClose(Duration timeout) {
    if (isClosed()) {
      return true;
    }
    draining = true;
    GrpcServer g = grpc;
    if (g != null) {
      g.setServing(false);
    }
    CoordinationClient c = coordination;
    if (c != null) {
      c.heartbeatNow();
    }
    LoadMetrics at = manager.load();
    int held = at.getCurrentTasks() + at.getQueueLength();
    // The contract's line (docs/resilience.md): "draining: N task(s) running, up to 30s".
    log.info("draining: {} task(s) running, up to {} ({} queued)", at.getCurrentTasks(),
        timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + "s" : timeout.toMillis() + "ms", at.getQueueLength());
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean done = false;
    while (true) {
      LoadMetrics now = manager.load();
      SubOrchestratorService svc = service;
      if (now.getCurrentTasks() + now.getQueueLength() == 0 && (svc == null || svc.queuedUpdates() == 0)) {
        done = true;
        break;
      }
      if (System.nanoTime() - deadline >= 0) {
        break;
      }
      // A tenth of a second between looks: tasks take seconds to hours, and nothing here is urgent.
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      if (Thread.currentThread().isInterrupted()) {
        break;
      }
    }
    if (done) {
      log.info("drained{}", held == 0 ? " (nothing was running)" : ": every task finished and was reported");
    } else {
      LoadMetrics left = manager.load();
      log.warn("drain timed out: handing back {} task(s) (they fail over to another instance)",
          left.getCurrentTasks() + left.getQueueLength());
    }
    close();
    return done;
  }

  /** True while the master has acknowledged this instance on an open Coordinate stream. */
  public boolean registered() {
    CoordinationClient c = coordination;
    return c != null && c.registered();
  }

  public void awaitTermination() throws InterruptedException {
    grpc.awaitTermination();
  }

  /** Leaves the master, stops serving, then cancels the work still queued or running. */
  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    // Leave Consul first, so the master stops choosing this instance before its port closes.
    if (consul != null) {
      consul.close();
    }
    if (coordination != null) {
      coordination.close();
    }
    messenger.close();
    if (grpc != null) {
      grpc.close();
    }
    manager.close();
    // Give killed process trees their grace before the scheduler that forces them goes away.
    scheduler.shutdown();
    callbacks.shutdown();
    blocking.shutdown();
    try {
      scheduler.awaitTermination(3, TimeUnit.SECONDS);
      callbacks.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scheduler.shutdownNow();
    callbacks.shutdownNow();
    blocking.shutdownNow();
    // Whatever outlived its grace (an agent's is 5 s, longer than the wait above) dies now.
    containment.killAll();
  }

  /** An agent CLI's settings: its binary (configured or on PATH), the price table, the secret files. */
  private static AgentSettings cli(AgentOptions agents, String kind, PriceTable prices, DomainPolicy policy) {
    AgentSettings.Builder b = AgentSettings.builder(kind).binary(agents.binary(kind)).prices(prices)
        .extraArgs(agents.extraArgs().getOrDefault(kind, List.of()));
    // The policy's environment on top of what an agent always gets (PATH, HOME, its keys).
    policy.environment(System.getenv()).forEach(b::environment);
    if (agents.secretsDir() != null) {
      b.secretsDir(agents.secretsDir());
    }
    return b.build();
  }

  /** The worktrees this instance keeps for failed tasks, and their disk use. */
  public TaskWorkspaces workspaces() {
    return workspaces;
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private final class CoordinationHandler implements CoordinationClient.Handler {
    @Override
    public SubOrchestratorDescriptor descriptor() {
      return SubOrchestratorServer.this.descriptor();
    }

    @Override
    public LoadMetrics load() {
      return SubOrchestratorServer.this.load();
    }

    @Override
    public SharedState sharedState(SyncNotify notify) {
      return ProtoMapper.sharedState(specialisation, instanceId, manager.finishedTasks(notify.getPlanId()));
    }

    @Override
    public void onMessage(CrossOrchestratorMessage message) {
      messenger.receive(message);
    }

    @Override
    public void onPeers(Map<String, String> peerAddresses) {
      messenger.updatePeers(peerAddresses);
    }

    @Override
    public void onRegistration(boolean registered) {
      GrpcServer g = grpc;
      if (g != null && followsRegistration && !draining) {
        g.setServing(registered);
      }
    }

    @Override
    public void addHeldExecutions(Register.Builder register) {
      ExecutionManager.Held held = manager.held(MAX_HELD_REPORTED);
      register.addAllHeldExecutions(held.executions()).setHeldTruncated(held.truncated());
    }
  }
}
