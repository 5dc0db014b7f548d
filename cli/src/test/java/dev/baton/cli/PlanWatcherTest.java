package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.v1.GetPlanRequest;
import dev.baton.v1.GetPlanResponse;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanFinished;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskStarted;
import dev.baton.v1.WatchPlanRequest;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The watcher resumes a broken WatchPlan stream after the last sequence it saw. */
class PlanWatcherTest {
  private static final int EVENTS = 5;

  private final List<Long> afterSequences = new CopyOnWriteArrayList<>();
  private Server server;

  /** Sends events after the requested sequence; the first stream breaks after event 3. */
  private final class FlakyMaster extends MasterGrpc.MasterImplBase {
    @Override
    public void watchPlan(WatchPlanRequest request, StreamObserver<PlanEvent> out) {
      afterSequences.add(request.getAfterSequence());
      boolean first = afterSequences.size() == 1;
      for (long seq = request.getAfterSequence() + 1; seq <= EVENTS; seq++) {
        out.onNext(event(seq));
        if (first && seq == 3) {
          out.onError(Status.UNAVAILABLE.withDescription("connection reset").asRuntimeException());
          return;
        }
      }
      out.onCompleted();
    }

    @Override
    public void getPlan(GetPlanRequest request, StreamObserver<GetPlanResponse> out) {
      out.onNext(GetPlanResponse.newBuilder().setStatus(PlanStatus.newBuilder().setPlanId(request.getPlanId())
          .setState(PlanState.PLAN_STATE_SUCCEEDED).setLastSequence(EVENTS)).build());
      out.onCompleted();
    }
  }

  private static PlanEvent event(long seq) {
    PlanEvent.Builder e = PlanEvent.newBuilder().setPlanId("p").setSequence(seq);
    return seq == EVENTS
        ? e.setPlanFinished(PlanFinished.newBuilder().setState(PlanState.PLAN_STATE_SUCCEEDED)).build()
        : e.setTaskStarted(TaskStarted.newBuilder().setTaskId("t" + seq)).build();
  }

  @BeforeEach
  void start() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new FlakyMaster()).build().start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void resumesAfterTheLastSequenceAndDeliversEachEventOnce() {
    List<Long> seen = new CopyOnWriteArrayList<>();
    try (MasterClient client = MasterClient.connect("127.0.0.1:" + server.getPort())) {
      PlanStatus status = new PlanWatcher(client).follow("p", e -> seen.add(e.getSequence()));

      assertThat(status.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    }
    assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(afterSequences).containsExactly(0L, 3L);
  }
}
