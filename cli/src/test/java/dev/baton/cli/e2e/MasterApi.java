package dev.baton.cli.e2e;

import dev.baton.v1.MasterGrpc;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.WatchPlanRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A gRPC client of a test master: blocking calls with a deadline, and event collection. */
final class MasterApi implements AutoCloseable {
  private final ManagedChannel channel;

  MasterApi(String address) {
    this.channel = ManagedChannelBuilder.forTarget(address).usePlaintext().build();
  }

  /** A client dialling with {@code security}: TLS to a mesh started with a {@code MeshPki}. */
  MasterApi(String address, dev.baton.runtime.security.ClientSecurity security) {
    this.channel = security.nettyBuilder(address).build();
  }

  MasterGrpc.MasterBlockingStub call() {
    return MasterGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** Collects every event of a plan from the start until the stream ends. */
  Events watch(String planId) {
    Events events = new Events();
    MasterGrpc.newStub(channel)
        .watchPlan(WatchPlanRequest.newBuilder().setPlanId(planId).build(), events);
    return events;
  }

  @Override
  public void close() {
    try {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Events as they arrive, and the end of the stream. */
  static final class Events implements StreamObserver<PlanEvent> {
    final List<PlanEvent> list = new CopyOnWriteArrayList<>();
    final CompletableFuture<List<PlanEvent>> done = new CompletableFuture<>();

    @Override
    public void onNext(PlanEvent event) {
      list.add(event);
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      done.complete(List.copyOf(list));
    }

    boolean any(java.util.function.Predicate<PlanEvent> p) {
      return list.stream().anyMatch(p);
    }

    /** Waits for the end of the stream (the plan finished). */
    List<PlanEvent> awaitEnd(long seconds) throws Exception {
      return done.get(seconds, TimeUnit.SECONDS);
    }
  }
}
