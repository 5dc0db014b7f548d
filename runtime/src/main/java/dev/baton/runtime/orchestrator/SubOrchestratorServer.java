package dev.baton.runtime.orchestrator;

import dev.baton.runtime.coordination.CoordinationClient;
import dev.baton.runtime.droid.CommandDroidExecutor;
import dev.baton.runtime.droid.SimDroidExecutor;
import dev.baton.runtime.execution.DroidSelector;
import dev.baton.runtime.execution.ExecutionManager;
import dev.baton.runtime.server.GrpcServer;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.Registered;
import dev.baton.v1.SharedState;
import dev.baton.v1.SubOrchestratorDescriptor;
import dev.baton.v1.SyncNotify;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * redialling, so orchestrators and master may start in any order.
 */
public final class SubOrchestratorServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SubOrchestratorServer.class);

  private final Specialisation specialisation;
  private final String instanceId;
  private final int maxConcurrentTasks;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService callbacks;
  private final ExecutionManager manager;
  private volatile GrpcServer grpc;
  private volatile CoordinationClient coordination;
  private final Object closeLock = new Object();
  private boolean closed;

  private SubOrchestratorServer(OrchestratorConfig config, Specialisation specialisation) {
    this.specialisation = specialisation;
    SpecialisationProfile profile = specialisation.profile();
    this.instanceId = config.instanceIdFor(profile.domain());
    this.maxConcurrentTasks =
        config.maxConcurrentTasks() > 0 ? config.maxConcurrentTasks() : profile.maxConcurrentTasks();
    this.scheduler = Executors.newScheduledThreadPool(2, daemon(instanceId + "-scheduler"));
    this.callbacks = Executors.newSingleThreadExecutor(daemon(instanceId + "-outcomes"));
    Map<String, List<String>> expertise = new LinkedHashMap<>();
    profile.droids().forEach(d -> expertise.put(d.name(), d.expertise()));
    this.manager = new ExecutionManager(
        ExecutionManager.Settings.of(instanceId, maxConcurrentTasks),
        Clock.systemUTC(),
        new DroidSelector(expertise),
        Map.of(
            ExecutionManager.SIM, new SimDroidExecutor(config.workspaceRoot(), scheduler),
            ExecutionManager.COMMAND,
            new CommandDroidExecutor(config.workspaceRoot(), config.defaultCommandTimeout(), scheduler)),
        callbacks);
  }

  /** Starts serving on {@code config.host():config.port()} and dials the master. */
  public static SubOrchestratorServer start(OrchestratorConfig config, Specialisation specialisation) {
    SubOrchestratorServer server = new SubOrchestratorServer(config, specialisation);
    try {
      server.grpc = GrpcServer.start(config.host(), config.port(), List.of(
          new SubOrchestratorService(server.manager, server::descriptor, server.instanceId)));
      server.coordination = new CoordinationClient(
          CoordinationClient.Settings.of(config.masterAddress(), server.instanceId, config.heartbeatInterval()),
          server.new CoordinationHandler(),
          server.scheduler,
          Clock.systemUTC(),
          new Random());
      server.coordination.start();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    log.info("{} orchestrator {} serving on {} (max {} concurrent tasks), master at {}",
        specialisation.domain(), server.instanceId, server.address(), server.maxConcurrentTasks,
        config.masterAddress());
    return server;
  }

  /** {@code host:port} that clients on this machine can dial. */
  public String address() {
    GrpcServer g = grpc;
    return g == null ? "" : g.address();
  }

  public String instanceId() {
    return instanceId;
  }

  public String domain() {
    return specialisation.domain();
  }

  /** The descriptor as Describe returns it now (master id and peers once registered). */
  public SubOrchestratorDescriptor descriptor() {
    CoordinationClient c = coordination;
    Registered registered = c == null ? null : c.lastRegistered().orElse(null);
    return ProtoMapper.descriptor(
        specialisation.profile(), instanceId, address(), maxConcurrentTasks,
        registered == null ? "" : registered.getMasterId(),
        registered == null ? List.of() : registered.getPeersList());
  }

  public LoadMetrics load() {
    return manager.load();
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
    if (coordination != null) {
      coordination.close();
    }
    if (grpc != null) {
      grpc.close();
    }
    manager.close();
    // Give killed process trees their grace before the scheduler that forces them goes away.
    scheduler.shutdown();
    callbacks.shutdown();
    try {
      scheduler.awaitTermination(3, TimeUnit.SECONDS);
      callbacks.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scheduler.shutdownNow();
    callbacks.shutdownNow();
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
      return manager.load();
    }

    @Override
    public SharedState sharedState(SyncNotify notify) {
      return ProtoMapper.sharedState(specialisation, instanceId, manager.finishedTasks(notify.getPlanId()));
    }
  }
}
