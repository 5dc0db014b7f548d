package dev.baton.cli;

import dev.baton.v1.CancelPlanRequest;
import dev.baton.v1.CancelPlanResponse;
import dev.baton.v1.GetPlanRequest;
import dev.baton.v1.GetPlanResponse;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanFinished;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SubmitPlanRequest;
import dev.baton.v1.SubmitPlanResponse;
import dev.baton.v1.TaskStarted;
import dev.baton.v1.WatchPlanRequest;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A stand-in for one master on a real Netty server and port: a leader or a standby naming the
 * leader, holding a real list of plan events, recording every request it receives. The master itself
 * is tested in the master module; this one lets a test decide exactly how a master misbehaves.
 */
final class FakeMaster extends MasterGrpc.MasterImplBase implements AutoCloseable {
  static final String PLAN = "plan-1";

  final List<SubmitPlanRequest> submits = new CopyOnWriteArrayList<>();
  final List<CancelPlanRequest> cancels = new CopyOnWriteArrayList<>();
  final List<Long> watchedAfter = new CopyOnWriteArrayList<>();
  final AtomicInteger plansStarted = new AtomicInteger();
  private final Map<String, String> planByRequest = new ConcurrentHashMap<>();
  private final Server server;

  /** Null: this master leads; else the address a standby names in its refusals. */
  volatile Supplier<String> leader;
  /** Writes refused with a bare UNAVAILABLE (no trailer) before one is taken, as a busy engine does. */
  final AtomicInteger refuseWrites = new AtomicInteger();
  /** Takes a submission but answers UNAVAILABLE, once: the answer was lost. */
  volatile boolean loseNextAnswer;
  /** The plan's events, 1..N. */
  volatile List<PlanEvent> events = List.of();
  /** Sequences left out of the first watch stream only (a gap). */
  volatile Set<Long> skipOnFirstWatch = Set.of();
  /** Sequences left out of every watch stream. */
  volatile Set<Long> skipAlways = Set.of();
  /** Replays from sequence 1 whatever the request says (duplicates). */
  volatile boolean ignoreAfter;
  /** Sends events up to this sequence, then holds the stream open and counts {@link #holding} down. */
  volatile long holdAfter = Long.MAX_VALUE;
  final CountDownLatch holding = new CountDownLatch(1);

  FakeMaster() throws IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(this).build().start();
  }

  String address() {
    return "127.0.0.1:" + server.getPort();
  }

  /** A plan of {@code n} events, the last one PlanFinished(SUCCEEDED). */
  static List<PlanEvent> events(int n) {
    List<PlanEvent> list = new ArrayList<>();
    for (long seq = 1; seq <= n; seq++) {
      PlanEvent.Builder e = PlanEvent.newBuilder().setPlanId(PLAN).setSequence(seq);
      list.add(seq == n
          ? e.setPlanFinished(PlanFinished.newBuilder().setState(PlanState.PLAN_STATE_SUCCEEDED)).build()
          : e.setTaskStarted(TaskStarted.newBuilder().setTaskId("t" + seq)).build());
    }
    return List.copyOf(list);
  }

  /** Dies as a killed process does: every connection closed at once. */
  void kill() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }

  private boolean refused(StreamObserver<?> out) {
    Supplier<String> l = leader;
    if (l != null) {
      Metadata trailers = new Metadata();
      trailers.put(LeaderFollower.LEADER_KEY, l.get());
      out.onError(Status.UNAVAILABLE.withDescription("standby: writes go to the leader").asRuntimeException(trailers));
      return true;
    }
    if (refuseWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      out.onError(Status.UNAVAILABLE.withDescription("the engine did not answer in time").asRuntimeException());
      return true;
    }
    return false;
  }

  @Override
  public void submitPlan(SubmitPlanRequest request, StreamObserver<SubmitPlanResponse> out) {
    submits.add(request);
    if (refused(out)) {
      return;
    }
    boolean[] created = {false};
    String id = planByRequest.computeIfAbsent(request.getRequestId(), r -> {
      created[0] = true;
      plansStarted.incrementAndGet();
      return PLAN;
    });
    if (loseNextAnswer) {
      loseNextAnswer = false;
      out.onError(Status.UNAVAILABLE.withDescription("the answer was lost").asRuntimeException());
      return;
    }
    out.onNext(SubmitPlanResponse.newBuilder().setPlanId(id).setCreated(created[0])
        .setStatus(PlanStatus.newBuilder().setPlanId(id).setState(PlanState.PLAN_STATE_RUNNING)).build());
    out.onCompleted();
  }

  @Override
  public void cancelPlan(CancelPlanRequest request, StreamObserver<CancelPlanResponse> out) {
    cancels.add(request);
    if (refused(out)) {
      return;
    }
    out.onNext(CancelPlanResponse.newBuilder().setStatus(PlanStatus.newBuilder().setPlanId(request.getPlanId())
        .setState(PlanState.PLAN_STATE_CANCELLED)).build());
    out.onCompleted();
  }

  @Override
  public void getPlan(GetPlanRequest request, StreamObserver<GetPlanResponse> out) {
    List<PlanEvent> all = events;
    boolean finished = !all.isEmpty() && all.get(all.size() - 1).hasPlanFinished();
    out.onNext(GetPlanResponse.newBuilder().setStatus(PlanStatus.newBuilder().setPlanId(request.getPlanId())
        .setState(finished ? PlanState.PLAN_STATE_SUCCEEDED : PlanState.PLAN_STATE_RUNNING)
        .setLastSequence(all.size())).build());
    out.onCompleted();
  }

  @Override
  public void watchPlan(WatchPlanRequest request, StreamObserver<PlanEvent> out) {
    watchedAfter.add(request.getAfterSequence());
    boolean first = watchedAfter.size() == 1;
    long after = ignoreAfter ? 0 : request.getAfterSequence();
    for (PlanEvent e : events) {
      long seq = e.getSequence();
      if (seq <= after || skipAlways.contains(seq) || first && skipOnFirstWatch.contains(seq)) {
        continue;
      }
      if (seq > holdAfter) {
        holding.countDown();
        return; // the stream stays open until the server dies
      }
      out.onNext(e);
    }
    out.onCompleted();
  }
}
