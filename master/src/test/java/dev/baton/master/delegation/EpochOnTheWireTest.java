package dev.baton.master.delegation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.runtime.orchestrator.OrchestratorConfig;
import dev.baton.runtime.orchestrator.Specialisations;
import dev.baton.runtime.orchestrator.SubOrchestratorServer;
import dev.baton.v1.DescribeRequest;
import dev.baton.v1.SubOrchestratorGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master's epoch on every call through the channel pool, against a real sub-orchestrator's fence. */
class EpochOnTheWireTest {
  @TempDir Path workspaces;
  private SubOrchestratorServer instance;
  private final List<ChannelPool> pools = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    // No master listens at port 1: the instance serves calls all the same.
    instance = SubOrchestratorServer.start(OrchestratorConfig.builder().masterAddress("127.0.0.1:1")
        .instanceId("sample-epoch").workspaceRoot(workspaces).build(), Specialisations.find("sample"));
  }

  @AfterEach
  void stop() {
    pools.forEach(ChannelPool::close);
    instance.close();
  }

  private ChannelPool pool(AtomicLong epoch, List<Long> stale) {
    ChannelPool pool = ChannelPool.netty(epoch::get, stale::add);
    pools.add(pool);
    return pool;
  }

  private void describe(ChannelPool pool) {
    SubOrchestratorGrpc.newBlockingStub(pool.channel(instance.address()))
        .withDeadlineAfter(5, TimeUnit.SECONDS).describe(DescribeRequest.getDefaultInstance());
  }

  @Test
  void everyCallCarriesTheEpochOfItsStartAndAStaleRefusalReachesTheMaster() {
    AtomicLong newEpoch = new AtomicLong(5);
    List<Long> newStale = new CopyOnWriteArrayList<>();
    AtomicLong oldEpoch = new AtomicLong(4);
    List<Long> oldStale = new CopyOnWriteArrayList<>();
    ChannelPool leader = pool(newEpoch, newStale);
    ChannelPool deposed = pool(oldEpoch, oldStale);

    describe(leader);
    assertThat(instance.masterEpoch()).isEqualTo(5);
    assertThatThrownBy(() -> describe(deposed)).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    assertThat(oldStale).containsExactly(5L);

    newEpoch.set(6); // the leader claimed again (a resign and re-election)
    describe(leader);
    assertThat(instance.masterEpoch()).isEqualTo(6);
    assertThat(newStale).isEmpty();
  }

  @Test
  void aMasterWithoutAnEpochSendsNoneAndIsServed() {
    AtomicLong none = new AtomicLong(0);
    List<Long> stale = new CopyOnWriteArrayList<>();
    describe(pool(new AtomicLong(9), new CopyOnWriteArrayList<>()));

    describe(pool(none, stale));
    ChannelPool plain = ChannelPool.netty();
    pools.add(plain);
    describe(plain);

    assertThat(stale).isEmpty();
    assertThat(instance.masterEpoch()).isEqualTo(9);
  }
}
