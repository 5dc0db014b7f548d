package dev.baton.master;

import dev.baton.master.dashboard.DashboardCalculator;
import dev.baton.master.delegation.ChannelPool;
import dev.baton.master.delegation.Delegator;
import dev.baton.master.engine.Engine;
import dev.baton.master.engine.EngineSettings;
import dev.baton.master.events.InMemoryPlanStore;
import dev.baton.master.events.PlanStore;
import dev.baton.master.grpc.CoordinationService;
import dev.baton.master.grpc.MasterService;
import dev.baton.master.plan.PlanModel;
import dev.baton.master.plan.PlanProtos;
import dev.baton.master.registry.ConsulRegistry;
import dev.baton.master.repo.GitHttpServer;
import dev.baton.master.repo.GitIntegrations;
import dev.baton.master.repo.LocalRepositories;
import dev.baton.runtime.git.Git;
import dev.baton.master.registry.EmbeddedRegistry;
import dev.baton.master.registry.Registry;
import dev.baton.master.resilience.BreakerAwareRegistry;
import dev.baton.master.resilience.Breakers;
import dev.baton.runtime.registry.ConsulMembership;
import dev.baton.runtime.registry.DescriptorMeta;
import dev.baton.runtime.registry.ServiceNames;
import dev.baton.runtime.server.GrpcServer;
import dev.baton.runtime.server.HealthPort;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A running master: serves {@code baton.v1.Master} and {@code baton.v1.Coordination} on runtime's
 * GrpcServer (with health and reflection) and hosts the embedded registry, the in-memory plan store
 * and the scheduler.
 */
public final class MasterServer implements AutoCloseable {
  private static final Duration TICK = Duration.ofMillis(100);

  private final MasterConfig config;
  private final GrpcServer server;
  private final Engine engine;
  private final ChannelPool channels;
  private final ScheduledExecutorService scheduler;
  private final PlanStore store;
  private volatile ConsulMembership consul;
  private volatile CoordinationService coordination;
  private volatile GitHttpServer gitServer;
  private volatile ScheduledExecutorService timers;
  /** The gRPC callbacks' thread of an in-process master; null on Netty. */
  private volatile ScheduledExecutorService grpc;
  private volatile MasterRole role;
  /** The gRPC service logic the dashboard's HTTP API calls too (part A of issue 13). */
  private volatile MasterService masterService;
  private volatile java.util.function.Supplier<Optional<String>> leaderAddress;
  private volatile Registry registryView;
  private volatile dev.baton.master.dashboard.http.DashboardServer dashboardServer;

  private MasterServer(MasterConfig config, GrpcServer server, Engine engine, ChannelPool channels,
      ScheduledExecutorService scheduler, PlanStore store) {
    this.config = config;
    this.server = server;
    this.engine = engine;
    this.channels = channels;
    this.scheduler = scheduler;
    this.store = store;
  }

  /** Binds, starts serving and returns; {@link #close} stops it. */
  public static MasterServer start(MasterConfig config) {
    // Time, randomness and threads are the caller's (MasterConfig): a test runs the master on a
    // manual clock, seeded, with in-process transport (docs/testing.md).
    Clock clock = config.clock();
    ScheduledExecutorService scheduler = config.threads().newThread(MasterConfig.SCHEDULER_THREAD);
    // The delegation's and the Coordinate streams' timers run on their own thread, so that a burst
    // of them never delays a scheduling decision (and a slow decision never delays a deadline).
    ScheduledExecutorService timers = config.threads().newThread(MasterConfig.TIMERS_THREAD);
    // In process, the gRPC callbacks (server and channels) run on a thread of the caller's too.
    ScheduledExecutorService grpc = config.inProcessName() == null ? null
        : config.threads().newThread(MasterConfig.GRPC_THREAD);
    // A journal: this master follows it until elected (MasterRole); else the given store or memory.
    CurrentStore journaled = config.journal() == null ? null
        : MasterRole.follow(config.journal(), clock, dev.baton.master.journal.JournalSettings.defaults());
    PlanStore store = journaled != null ? journaled : config.store() != null ? config.store() : new InMemoryPlanStore(clock);
    AtomicReference<MasterRole> role = new AtomicReference<>();
    // With Consul, healthy instances come from its checks; the streams still bring descriptors and load.
    ConsulMembership consul =
        config.consul() == null ? null : ConsulMembership.connect(config.consul(), clock, new Random());
    Registry registry = consul == null
        ? new EmbeddedRegistry(clock, config.heartbeatInterval(), config.heartbeatTimeout())
        : ConsulRegistry.start(consul, ServiceNames.DOMAINS, clock, config.heartbeatInterval(),
            config.heartbeatTimeout());
    // Every call to a sub-orchestrator carries the epoch this master leads under; one refused as
    // stale (a newer master used a higher epoch) makes this master step down.
    java.util.function.LongSupplier epoch = () -> role.get() == null ? 0 : role.get().epoch();
    java.util.function.LongConsumer onStale =
        newer -> { MasterRole r = role.get(); if (r != null) { r.stale("a sub-orchestrator saw epoch " + newer); } };
    ChannelPool channels = grpc == null ? ChannelPool.netty(epoch, onStale, config.security().client())
        : ChannelPool.inProcess(grpc, timers, epoch, onStale);
    Random random = config.seed() == null ? new Random() : new Random(config.seed());
    Breakers breakers = new Breakers(config.resilience(), clock);
    Delegator delegator = new Delegator(channels, config.resilience(), breakers, timers, clock, random);
    EngineSettings settings = new EngineSettings(config.instanceWait(), config.syncTimeoutFloor(), TICK);
    Git git = new Git();
    GitHttpServer gitServer = gitServer(config);
    Engine engine = new Engine(store, registry, delegator, config.conflictDetector(), scheduler, clock,
        random, settings, breakers, config.resilience(), new GitIntegrations(config.gitDir(), git, gitServer, epoch));
    if (journaled == null) {
      // Plans the given store already holds (a master started again on it) resume where they
      // stood; before serving, so that no instance's report of its executions comes first.
      engine.resume();
    }
    LocalRepositories locals = new LocalRepositories(config.importLocalRepos(), config.gitDir(), git, gitServer);
    // What users see: an instance whose breaker is open shows OFFLINE (the dashboard's "failed").
    Registry view = new BreakerAwareRegistry(registry, breakers);
    AtomicReference<String> address = new AtomicReference<>("");
    var dashboard = new DashboardCalculator(view, store, engine::outstanding);
    GrpcServer server;
    MasterService masterService;
    CoordinationService coordination = new CoordinationService(registry, engine,
        (instanceId, held, truncated) -> engine.onExecutionsReported(instanceId, held), config.id(),
        config.heartbeatInterval(), CoordinationService.Settings.DEFAULTS, timers, clock);
    try {
      masterService = new MasterService(engine, store, view, dashboard, config.id(), address::get, locals::resolve,
          new dev.baton.master.grpc.CallerLimits(config.callerLimits()));
      List<io.grpc.BindableService> services = List.of(masterService, coordination);
      List<io.grpc.ServerInterceptor> gates = List.of(new dev.baton.master.grpc.StandbyGate(config.id(),
              () -> role.get() == null || role.get().leading(),
              () -> role.get() == null ? Optional.of(address.get()) : role.get().leaderAddress()));
      server = grpc == null ? GrpcServer.start(config.host(), config.port(), services, gates, config.security().server())
          : GrpcServer.startInProcess(config.inProcessName(), services, gates, grpc, timers);
    } catch (RuntimeException e) {
      engine.close();
      if (gitServer != null) {
        gitServer.close();
      }
      channels.close();
      scheduler.shutdownNow();
      timers.shutdownNow();
      if (grpc != null) {
        grpc.shutdownNow();
      }
      if (journaled != null) {
        journaled.get().close();
      }
      if (consul != null) {
        consul.close();
      }
      throw e;
    }
    // What others dial: leader hints, Consul, the leadership record, the git URL.
    String advertised = config.advertise() == null || server.port() < 0 ? server.address()
        : com.google.common.net.HostAndPort.fromParts(config.advertise(), server.port()).toString();
    address.set(advertised);
    MasterServer master = new MasterServer(config, server, engine, channels, scheduler, store);
    master.timers = timers;
    master.grpc = grpc;
    master.gitServer = gitServer;
    master.coordination = coordination;
    master.masterService = masterService;
    master.registryView = view;
    master.leaderAddress = () -> role.get() == null ? Optional.of(address.get()) : role.get().leaderAddress();
    // (an in-process master has no host and port to register: MasterConfig refuses it with Consul)
    var registration = consul == null ? null : DescriptorMeta.masterRegistration(config.id(),
        advertised.substring(0, advertised.lastIndexOf(':')), server.port())
        .withTls(!config.security().server().isPlaintext());
    if (consul != null) {
      consul.register(registration, () -> true);
      master.consul = consul;
    }
    if (journaled == null) {
      return master;
    }
    // Several masters share a PostgreSQL journal: Consul's lock decides who leads when there is
    // Consul, else a lease in the database; an embedded journal has one master, which leads.
    boolean shared = dev.baton.master.journal.JournalSpec.parse(config.journal())
        instanceof dev.baton.master.journal.JournalSpec.Postgres;
    dev.baton.master.leader.Leadership leadership = !shared
        ? new dev.baton.master.leader.EmbeddedLeadership(advertised)
        : consul != null
            ? dev.baton.master.leader.ConsulLeadership.forMaster(config.consul(), registration,
                dev.baton.master.leader.ConsulLeadershipSettings.builder(), new Random())
            : dev.baton.master.leader.PostgresLeadership.open(config.journal(), config.id(), advertised,
                dev.baton.master.leader.PostgresLeadership.DEFAULT_TTL);
    MasterRole r = new MasterRole(config.journal(), clock, dev.baton.master.journal.JournalSettings.defaults(),
        journaled, leadership, config.id(), advertised,
        // Sub-orchestrators connected while this master led go to the leader now, not at their
        // next break (a paused leader's connections survive its pause).
        () -> coordination.endStreams(dev.baton.runtime.server.LeaderHint.standby(config.id(),
            leadership.leaderAddress().orElse(null))));
    role.set(r);
    if (gitServer != null) {
      // A task's push lands only on the leading master, and never on one older than the push's epoch.
      gitServer.pushGate(pushEpoch -> !r.leading()
          ? java.util.Optional.of("master " + config.id() + " does not lead; push to the leader's repository"
              + r.leaderAddress().map(a -> " (leader at " + a + ")").orElse(""))
          : pushEpoch > r.epoch()
              ? java.util.Optional.of("the push is for epoch " + pushEpoch + " but master " + config.id()
                  + " leads under epoch " + r.epoch() + ": it is stale")
              : java.util.Optional.empty());
    }
    master.role = r;
    r.start(engine);
    if (!shared) {
      // The only master of an embedded journal leads at once: return once it does (its plans resumed).
      try {
        if (!r.awaitLeading(Duration.ofMinutes(10))) {
          master.close();
          throw new IllegalStateException("master " + config.id() + " could not take its journal " + config.journal()
              + " over within 10 minutes; see its log");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        master.close();
        throw new IllegalStateException("interrupted while taking the journal over", e);
      }
    }
    return master;
  }

  /** Serves {@code <gitDir>/repos} over git's smart HTTP unless the config asks for no server. */
  private static GitHttpServer gitServer(MasterConfig config) {
    if (config.gitPort() == MasterConfig.NO_GIT_SERVER) {
      return null;
    }
    try {
      java.nio.file.Files.createDirectories(GitIntegrations.servedRoot(config.gitDir()));
      return GitHttpServer.start(GitIntegrations.servedRoot(config.gitDir()), config.host(), config.gitPort(),
          config.security().server()).advertisedAs(config.advertise());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot serve repositories from " + config.gitDir() + ": " + e.getMessage(), e);
    }
  }

  /** The base URL of the served repositories ({@code http://host:port}), if this master serves any. */
  public Optional<String> gitUrl() {
    GitHttpServer g = gitServer;
    return g == null ? Optional.empty() : Optional.of(g.baseUrl());
  }

  /** {@code host:port} to dial. */
  public String address() {
    return server.address();
  }

  public String id() {
    return config.id();
  }

  /**
   * Starts a plan compiled in-process (what SubmitPlan does after compiling), for embedding code
   * and tests that build plans directly.
   *
   * @return the plan's id
   */
  public String submit(PlanModel.Plan plan, double timeScale) {
    if (!leading()) {
      throw dev.baton.runtime.server.BatonException.unavailable("master " + config.id()
          + " is a standby; submit to the leader" + role.leaderAddress().map(a -> " at " + a).orElse(""));
    }
    return engine.submit(plan, PlanProtos.analysisToProto(plan), timeScale);
  }

  /** The plan store (read-only use: tests and embedding code inspect events through it). */
  public PlanStore store() {
    return store;
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Its Consul membership (registration and watch statuses) when Consul is configured. */
  /** The Coordinate sessions: the master's side of cross-orchestrator messaging (send, request, listeners). */
  public CoordinationService coordination() {
    return coordination;
  }

  public Optional<ConsulMembership> consul() {
    return Optional.ofNullable(consul);
  }

  /**
   * Leaves Consul (deregistering first, so sub-orchestrators stop finding this master), stops
   * serving, stops watching executions, closes the channels to the instances.
   */
  /** True while this master leads (always, without a journal shared by several masters). */
  public boolean leading() {
    MasterRole r = role;
    return r == null || r.leading();
  }

  /** Plans this master runs now (0 on a standby). */
  public int activePlans() {
    return engine.activePlans();
  }

  /**
   * Serves this master's health on a plaintext port of its own (see {@link HealthPort}), for
   * probes that cannot speak TLS; the caller closes it after this server.
   */
  public HealthPort startHealthPort(int port) {
    return server.startHealthPort(port);
  }

  /**
   * Serves the web dashboard and its JSON/SSE API on {@code settings.port()} of this master's host, with
   * its TLS and authentication (docs/dashboard.md); closed with this master. Call at most once.
   */
  public synchronized dev.baton.master.dashboard.http.DashboardServer startDashboard(
      dev.baton.master.dashboard.http.DashboardSettings settings) {
    if (dashboardServer != null) {
      throw new IllegalStateException("master " + config.id() + " already serves its dashboard at " + dashboardServer.url());
    }
    if (config.inProcessName() != null) {
      throw new IllegalStateException("an in-process master has no host to serve a dashboard on");
    }
    dashboardServer = dev.baton.master.dashboard.http.DashboardServer.start(config.host(), settings,
        config.security().server(), new dev.baton.master.dashboard.http.DashboardApi(masterService, this::leading,
            leaderAddress, config.id(), dashboardTasks()));
    return dashboardServer;
  }

  /** What a task page shows beyond the task's status. */
  private dev.baton.master.dashboard.http.TaskPages dashboardTasks() {
    return new dev.baton.master.dashboard.http.MasterTaskPages(registryView, channels);
  }

  /** The dashboard's base URL, when {@link #startDashboard} serves one. */
  public Optional<String> dashboardUrl() {
    var d = dashboardServer;
    return d == null ? Optional.empty() : Optional.of(d.url());
  }

  /** The epoch this master leads under; 0 without a journal or while standing by. */
  public long epoch() {
    MasterRole r = role;
    return r == null ? 0 : r.epoch();
  }

  @Override
  public void close() {
    var d = dashboardServer;
    if (d != null) {
      d.close();
    }
    ConsulMembership c = consul;
    if (c != null) {
      c.close();
    }
    server.close();
    MasterRole r = role;
    if (r != null) {
      engine.standDown("master closing");
    }
    engine.close();
    if (r != null) {
      r.close();
    }
    if (gitServer != null) {
      gitServer.close();
    }
    channels.close();
    scheduler.shutdownNow();
    timers.shutdownNow();
    if (grpc != null) {
      grpc.shutdownNow();
    }
    try {
      scheduler.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
