package dev.baton.master.testing;

import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.runtime.server.GrpcServer;
import dev.baton.v1.InstanceHealth;
import dev.baton.v1.ListOrchestratorsRequest;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A master and fake sub-orchestrators in one JVM on a {@link ManualClock}: the master served in
 * process (seeded, its threads lanes of the clock), the fakes in process too. Nothing waits on
 * wall-clock time: a test advances the clock, and {@link ManualClock#settle} is its barrier.
 *
 * <p>Close it after the test (fakes, then the master, then the clock's lanes).
 */
public final class ManualMesh implements AutoCloseable {
  /** The seed every mesh's master draws plan ids and jitter from: runs repeat exactly. */
  public static final long SEED = 42;
  private static final AtomicInteger serial = new AtomicInteger();

  public final ManualClock clock = ManualClock.create();
  public final MasterServer master;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private ManagedChannel channel;

  private ManualMesh(MasterConfig.Builder config) {
    master = MasterServer.start(config.clock(clock).seed(SEED).threads(clock.threads())
        .inProcess("master-" + serial.incrementAndGet()).gitPort(MasterConfig.NO_GIT_SERVER).build());
  }

  /** Starts the master from {@code config}, with this mesh's clock, seed, threads and transport. */
  public static ManualMesh start(MasterConfig.Builder config) {
    return new ManualMesh(config);
  }

  /** A fake instance registered with the master (settled: it is HEALTHY when this returns). */
  public FakeSubOrchestrator fake(String id, String domain, int maxConcurrent) {
    return fake(id, domain, maxConcurrent, Map.of());
  }

  /** A fake instance publishing {@code syncDocuments} at sync points, with the given expertise. */
  public FakeSubOrchestrator fake(String id, String domain, int maxConcurrent, Map<String, String> syncDocuments,
      String... expertise) {
    FakeSubOrchestrator f = FakeSubOrchestrator.inProcess(clock, id, domain, maxConcurrent, master.address(),
        syncDocuments, expertise);
    closeables.add(0, f);
    clock.settle();
    return f;
  }

  /** The instances' health as ListOrchestrators reports it (over in-process gRPC). */
  public Map<String, InstanceHealth> health() {
    if (channel == null) {
      channel = InProcessChannelBuilder.forName(master.address().substring(GrpcServer.IN_PROCESS_SCHEME.length()))
          .executor(clock.newExecutor("test-client")).build();
      closeables.add(0, channel::shutdownNow);
    }
    return MasterGrpc.newBlockingStub(channel).listOrchestrators(ListOrchestratorsRequest.getDefaultInstance())
        .getInstancesList().stream().collect(Collectors.toMap(i -> i.getOrchestrator().getId(), i -> i.getHealth()));
  }

  public PlanStatus status(String planId) {
    return master.store().status(planId).orElseThrow();
  }

  public List<PlanEvent> events(String planId) {
    return master.store().read(planId, 0);
  }

  /** The plan's events of one kind, in order. */
  public List<PlanEvent> events(String planId, PlanEvent.KindCase kind) {
    return events(planId).stream().filter(e -> e.getKindCase() == kind).toList();
  }

  /** Advances the clock until the plan has finished (at most {@code limit} of manual time); its status. */
  public PlanStatus runToEnd(String planId, Duration limit) {
    clock.advanceUntil(() -> finished(status(planId)), limit);
    return status(planId);
  }

  public static boolean finished(PlanStatus s) {
    return s.getState() == PlanState.PLAN_STATE_SUCCEEDED || s.getState() == PlanState.PLAN_STATE_FAILED
        || s.getState() == PlanState.PLAN_STATE_CANCELLED || s.getState() == PlanState.PLAN_STATE_DEGRADED;
  }

  @Override
  public void close() {
    try {
      for (AutoCloseable c : closeables) {
        c.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException("closing the mesh's fakes: " + e.getMessage(), e);
    } finally {
      master.close();
      clock.close();
    }
  }
}
