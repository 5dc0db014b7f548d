package dev.baton.runtime.orchestrator;

import dev.baton.runtime.execution.ExecutionManager;
import dev.baton.runtime.execution.ExecutionWatcher;
import dev.baton.runtime.server.BatonException;
import dev.baton.runtime.server.GrpcServer;
import dev.baton.v1.CancelExecutionRequest;
import dev.baton.v1.CancelExecutionResponse;
import dev.baton.v1.DelegateRequest;
import dev.baton.v1.DelegateResponse;
import dev.baton.v1.DescribeRequest;
import dev.baton.v1.DescribeResponse;
import dev.baton.v1.ExecuteRequest;
import dev.baton.v1.ExecuteResponse;
import dev.baton.v1.ExecutionUpdate;
import dev.baton.v1.ListDroidEventsRequest;
import dev.baton.v1.ListDroidEventsResponse;
import dev.baton.v1.SubOrchestratorDescriptor;
import dev.baton.v1.SubOrchestratorGrpc;
import dev.baton.v1.WatchExecutionRequest;
import io.grpc.ServerInterceptor;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The thin gRPC face of the execution manager. Errors are thrown as {@link BatonException} and
 * become a status in the server's {@code StatusMapping}. Every method sits behind the
 * {@link EpochFence}, which refuses a master older than one already heard from.
 */
final class SubOrchestratorService extends SubOrchestratorGrpc.SubOrchestratorImplBase
    implements GrpcServer.NonBlocking, GrpcServer.Intercepted {

  /**
   * Execute's handler admits and answers without waiting: it runs on the transport's thread. (A
   * command droid's process is spawned there too; spawning takes about a millisecond.)
   */
  @Override
  public Set<String> nonBlockingMethods() {
    return Set.of(SubOrchestratorGrpc.getExecuteMethod().getFullMethodName());
  }

  private final ExecutionManager manager;
  private final Supplier<SubOrchestratorDescriptor> descriptor;
  private final Supplier<dev.baton.v1.LoadMetrics> load;
  private final String instanceId;
  private final EpochFence fence;
  /** The Execute streams opened so far; ended ones are dropped when counted. */
  private final java.util.Set<ExecuteStream> executeStreams = java.util.concurrent.ConcurrentHashMap.newKeySet();

  SubOrchestratorService(ExecutionManager manager, Supplier<SubOrchestratorDescriptor> descriptor,
      Supplier<dev.baton.v1.LoadMetrics> load, String instanceId, EpochFence fence) {
    this.manager = manager;
    this.descriptor = descriptor;
    this.load = load;
    this.instanceId = instanceId;
    this.fence = fence;
  }

  /** Every call passes the epoch fence first (inside the server's StatusMapping). */
  @Override
  public List<ServerInterceptor> interceptors() {
    return List.of(fence);
  }

  @Override
  public void describe(DescribeRequest request, StreamObserver<DescribeResponse> response) {
    response.onNext(DescribeResponse.newBuilder()
        .setOrchestrator(descriptor.get())
        .setLoad(load.get())
        .build());
    response.onCompleted();
  }

  @Override
  public void delegate(DelegateRequest request, StreamObserver<DelegateResponse> response) {
    response.onNext(admit(request));
    response.onCompleted();
  }

  /** Delegate's admission, shared by Execute: throws what becomes Delegate's status. */
  private DelegateResponse admit(DelegateRequest request) {
    if (!request.hasPackage()) {
      throw BatonException.invalidArgument("package: missing (expected: the DelegationPackage to run)");
    }
    // The delegation's own trace context (Execute stream), else the call's metadata (unary Delegate).
    io.opentelemetry.context.Context parent = request.getTraceContextCount() > 0
        ? dev.baton.runtime.telemetry.TraceContext.fromMap(request.getTraceContextMap())
        : dev.baton.runtime.telemetry.TraceContext.remoteParent();
    String domain = descriptor.get().getSpecialization().getDomain();
    return ProtoMapper.delegateResponse(manager.delegate(request.getPackage(), parent, domain), instanceId);
  }

  @Override
  public StreamObserver<ExecuteRequest> execute(StreamObserver<ExecuteResponse> response) {
    // The stream outlives its start: a newer master may speak meanwhile, so each delegate is judged again.
    long epoch = EpochFence.CALL_EPOCH.get();
    ExecuteStream stream = ExecuteStream.open(manager, request -> {
      fence.checkStillCurrent(epoch);
      return admit(request);
    }, (ServerCallStreamObserver<ExecuteResponse>) response);
    executeStreams.add(stream);
    return stream;
  }

  /**
   * Updates queued on the open Execute streams, not yet written to their masters: a draining
   * instance waits for 0 before it leaves, so that no finished task's result stays behind.
   */
  int queuedUpdates() {
    executeStreams.removeIf(ExecuteStream::ended);
    int n = 0;
    for (ExecuteStream s : executeStreams) {
      n += s.queued();
    }
    return n;
  }

  @Override
  public void watchExecution(WatchExecutionRequest request, StreamObserver<ExecutionUpdate> response) {
    ServerCallStreamObserver<ExecutionUpdate> stream = (ServerCallStreamObserver<ExecutionUpdate>) response;
    AtomicReference<Runnable> unsubscribe = new AtomicReference<>(() -> {});
    // Set before subscribing: a watcher must stop receiving once the client goes away.
    stream.setOnCancelHandler(() -> unsubscribe.get().run());
    unsubscribe.set(manager.watch(request.getExecutionId(), new ExecutionWatcher() {
      @Override
      public void onUpdate(ExecutionUpdate update) {
        if (!stream.isCancelled()) {
          stream.onNext(update);
        }
      }

      @Override
      public void onEnd() {
        if (!stream.isCancelled()) {
          stream.onCompleted();
        }
      }
    }));
    if (stream.isCancelled()) {
      unsubscribe.get().run();
    }
  }

  @Override
  public void listDroidEvents(ListDroidEventsRequest request, StreamObserver<ListDroidEventsResponse> response) {
    response.onNext(manager.events(request.getExecutionId(), request.getAfter(), request.getLimit()));
    response.onCompleted();
  }

  @Override
  public void cancelExecution(
      CancelExecutionRequest request, StreamObserver<CancelExecutionResponse> response) {
    response.onNext(CancelExecutionResponse.newBuilder()
        .setState(manager.cancel(request.getExecutionId(), request.getReason()))
        .build());
    response.onCompleted();
  }
}
