package dev.baton.master.testing;

import com.google.protobuf.Timestamp;
import dev.baton.v1.CancelExecutionRequest;
import dev.baton.v1.CancelExecutionResponse;
import dev.baton.v1.CoordinateRequest;
import dev.baton.v1.CoordinateResponse;
import dev.baton.v1.CoordinationGrpc;
import dev.baton.v1.DelegateRequest;
import dev.baton.v1.DelegateResponse;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DelegationResult;
import dev.baton.v1.DelegationStatus;
import dev.baton.v1.Deliverable;
import dev.baton.v1.DescribeRequest;
import dev.baton.v1.DescribeResponse;
import dev.baton.v1.Droid;
import dev.baton.v1.ExecuteAccepted;
import dev.baton.v1.ExecuteRejected;
import dev.baton.v1.ExecuteRequest;
import dev.baton.v1.ExecuteResponse;
import dev.baton.v1.ExecutionIssue;
import dev.baton.v1.ExecutionState;
import dev.baton.v1.ExecutionUpdate;
import dev.baton.v1.Heartbeat;
import dev.baton.v1.IssueSeverity;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.Register;
import dev.baton.v1.SharedDocument;
import dev.baton.v1.SharedState;
import dev.baton.v1.Specialization;
import dev.baton.v1.SubOrchestratorCapabilities;
import dev.baton.v1.SubOrchestratorDescriptor;
import dev.baton.v1.SubOrchestratorGrpc;
import dev.baton.v1.SyncArrival;
import dev.baton.v1.SyncNotify;
import dev.baton.v1.WatchExecutionRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import dev.baton.runtime.server.GrpcServer;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real, small sub-orchestrator for the master's tests: a gRPC server implementing
 * {@code SubOrchestrator} and a Coordinate client loop (Register, heartbeats, SyncArrival on
 * SyncNotify). Executions honour the SimulationSpec (duration, fail first N attempts, hang) and
 * never queue: the fake records how many were outstanding at once so tests can check that the
 * master never sent more than max_concurrent_tasks.
 *
 * <p>Two wirings: a localhost Netty server ({@link #start}, the constructors), or, with
 * {@link #inProcess}, a grpc-inprocess server whose callbacks, heartbeats and simulated task
 * durations run on lanes of a {@link ManualClock} (a master served in process, {@code inprocess:NAME}).
 */
public final class FakeSubOrchestrator implements AutoCloseable {
  /** What happened, in order, for assertions. */
  public record Record(String kind, String taskId, int attempt, String instanceId, long nanos) {}

  private final String id;
  private final String domain;
  private final int maxConcurrent;
  private final Map<String, String> syncDocuments;
  private final Server server;
  private volatile ManagedChannel masterChannel;
  /** Heartbeats and simulated durations: real threads, or a lane of the manual clock. */
  private final ScheduledExecutorService timer;
  /** In process: the lane of the server's and the master channel's callbacks; null on Netty. */
  private final ScheduledExecutorService grpcLane;
  /** Stamps heartbeats and updates: the system's, or the manual clock. */
  private final java.time.Clock clock;
  private final String address;
  /** Numbers in-process server names, unique in the JVM. */
  private static final java.util.concurrent.atomic.AtomicInteger serial = new java.util.concurrent.atomic.AtomicInteger();
  /** Heartbeat period on a manual clock: long enough to keep advancing cheap, well within the master's timeouts. */
  static final Duration MANUAL_HEARTBEAT = Duration.ofMillis(200);
  private final Map<String, Exec> byKey = new ConcurrentHashMap<>();
  private final Map<String, Exec> byId = new ConcurrentHashMap<>();
  public final List<Record> records = new CopyOnWriteArrayList<>();
  public final List<CoordinateResponse> frames = new CopyOnWriteArrayList<>();
  public final List<String> cancelled = new CopyOnWriteArrayList<>();
  /** How the master ended this fake's Coordinate streams, in order (the fake does not redial by itself). */
  public final List<Throwable> coordinateEnds = new CopyOnWriteArrayList<>();
  /** Every package this instance admitted, in order. */
  public final List<DelegationPackage> packages = new CopyOnWriteArrayList<>();
  private volatile java.util.function.Function<DelegationPackage, dev.baton.v1.GitResult> gitWork;

  /**
   * Makes a succeeded task of a plan with a repository do real git work first (the test's function
   * commits and pushes the task branch and returns what a sub-orchestrator would report).
   */
  public FakeSubOrchestrator gitWork(java.util.function.Function<DelegationPackage, dev.baton.v1.GitResult> work) {
    this.gitWork = work;
    return this;
  }
  private volatile boolean answerSync = true;
  /** The SharedDocument kind of every document this fake publishes at a sync point. */
  private volatile String documentKind = "api_contract";
  /** The droid policy it publishes (none by default), and droids it describes besides its own. */
  private volatile dev.baton.v1.DroidPolicySpec policy;
  private volatile List<Droid> extraDroids = List.of();
  private int outstanding;
  private int maxOutstanding;
  private volatile StreamObserver<CoordinateRequest> up;
  private final List<String> expertise;
  /** Hung: no heartbeats, no answers, no progress; what would have happened waits in {@link #held}. */
  private volatile boolean hung;
  private final List<Runnable> held = new CopyOnWriteArrayList<>();
  /** Delegates received while answers are withheld (heartbeats go on), answered by {@link #answer}. */
  private volatile boolean withholding;
  private final List<Runnable> unanswered = new CopyOnWriteArrayList<>();
  private volatile Status delegateFailure;
  public final java.util.concurrent.atomic.AtomicInteger delegateCalls = new java.util.concurrent.atomic.AtomicInteger();
  /**
   * Every update written to an Execute stream, as {@code task#attempt STATE}, in the order written:
   * a test that sees one here knows that anything it sends on the same stream later arrives after it.
   */
  public final List<String> streamed = new CopyOnWriteArrayList<>();
  /** Execute streams opened to this fake. */
  public final java.util.concurrent.atomic.AtomicInteger executeStreams = new java.util.concurrent.atomic.AtomicInteger();

  /** Who hears an execution's updates: a WatchExecution call or an Execute stream. */
  private interface Watcher {
    /** {@code last}: the terminal update, nothing follows. */
    void update(ExecutionUpdate u, boolean last);
  }

  private final class Exec {
    final String executionId;
    final DelegationPackage pkg;
    volatile ExecutionState state = ExecutionState.EXECUTION_STATE_RUNNING;
    volatile DelegationResult result;
    final List<Watcher> watchers = new CopyOnWriteArrayList<>();

    Exec(String executionId, DelegationPackage pkg) {
      this.executionId = executionId;
      this.pkg = pkg;
    }

    ExecutionUpdate update() {
      ExecutionUpdate.Builder u = ExecutionUpdate.newBuilder().setExecutionId(executionId)
          .setTaskId(pkg.getTaskId()).setAttempt(pkg.getAttempt()).setState(state).setInstanceId(id)
          .setDroid(domain + "-droid").setTime(now())
          .setProgress(state == ExecutionState.EXECUTION_STATE_SUCCEEDED ? 1 : 0.5);
      if (result != null) {
        u.setResult(result);
      }
      return u.build();
    }
  }

  public FakeSubOrchestrator(String id, String domain, int maxConcurrent, String masterAddress,
      Map<String, String> syncDocuments) {
    this(id, domain, maxConcurrent, masterAddress, syncDocuments, List.of());
  }

  /**
   * @param expertise when not empty, the instance's (and its droid's) expertise, instead of the
   *     default "REST APIs" / "build" every fake shares
   */
  public FakeSubOrchestrator(String id, String domain, int maxConcurrent, String masterAddress,
      Map<String, String> syncDocuments, List<String> expertise) {
    this(id, domain, maxConcurrent, masterAddress, syncDocuments, expertise, null);
  }

  private FakeSubOrchestrator(String id, String domain, int maxConcurrent, String masterAddress,
      Map<String, String> syncDocuments, List<String> expertise, ManualClock manual) {
    this.expertise = List.copyOf(expertise);
    this.id = id;
    this.domain = domain;
    this.maxConcurrent = maxConcurrent;
    this.syncDocuments = syncDocuments;
    try {
      if (manual == null) {
        clock = java.time.Clock.systemUTC();
        timer = Executors.newScheduledThreadPool(2);
        grpcLane = null;
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(new Service()).build().start();
        address = "127.0.0.1:" + server.getPort();
        masterChannel = NettyChannelBuilder.forTarget(masterAddress).usePlaintext().build();
      } else {
        if (!masterAddress.startsWith(GrpcServer.IN_PROCESS_SCHEME)) {
          throw new IllegalArgumentException("masterAddress: '" + masterAddress
              + "' (expected: inprocess:NAME, a master started with MasterConfig.Builder.inProcess)");
        }
        clock = manual;
        timer = manual.newExecutor("fake-" + id);
        grpcLane = manual.newExecutor("fake-" + id + "-grpc");
        String name = "fake-" + id + "-" + serial.incrementAndGet();
        server = InProcessServerBuilder.forName(name).executor(grpcLane).scheduledExecutorService(timer)
            .addService(new Service()).build().start();
        address = GrpcServer.IN_PROCESS_SCHEME + name;
        masterChannel = InProcessChannelBuilder.forName(masterAddress.substring(GrpcServer.IN_PROCESS_SCHEME.length()))
            .executor(grpcLane).scheduledExecutorService(timer).build();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    connect();
    long every = manual == null ? 50 : MANUAL_HEARTBEAT.toMillis();
    timer.scheduleWithFixedDelay(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * A fake served in process on lanes of {@code clock}, registering with the in-process master at
   * {@code masterAddress} ({@code inprocess:NAME}); its heartbeats (every {@link #MANUAL_HEARTBEAT})
   * and simulated task durations run on manual time. Call {@code clock.settle()} before relying
   * on its registration.
   */
  public static FakeSubOrchestrator inProcess(ManualClock clock, String id, String domain, int maxConcurrent,
      String masterAddress, Map<String, String> syncDocuments, String... expertise) {
    return new FakeSubOrchestrator(id, domain, maxConcurrent, masterAddress, syncDocuments, List.of(expertise), clock);
  }

  /** {@link #inProcess(ManualClock, String, String, int, String, Map, String...)} without documents or expertise. */
  public static FakeSubOrchestrator inProcess(ManualClock clock, String id, String domain, int maxConcurrent,
      String masterAddress) {
    return inProcess(clock, id, domain, maxConcurrent, masterAddress, Map.of());
  }

  public static FakeSubOrchestrator start(String id, String domain, int maxConcurrent, String masterAddress) {
    return new FakeSubOrchestrator(id, domain, maxConcurrent, masterAddress, Map.of());
  }

  public static FakeSubOrchestrator withExpertise(String id, String domain, int maxConcurrent, String masterAddress,
      String... expertise) {
    return new FakeSubOrchestrator(id, domain, maxConcurrent, masterAddress, Map.of(), List.of(expertise));
  }

  public String id() {
    return id;
  }

  /**
   * Publishes its sync documents as {@code kind} (default {@code api_contract}), e.g. a backend's
   * {@code api_implementation}, so that the master's real detectors compare them.
   */
  public FakeSubOrchestrator documentKind(String kind) {
    documentKind = kind;
    return this;
  }

  /** Stops heartbeats, answers and progress, like a SIGSTOPped process; the connections stay open. */
  public void hang() {
    hung = true;
  }

  /** Continues after {@link #hang}: what came due meanwhile (finished tasks) happens now. */
  public void resume() {
    hung = false;
    List<Runnable> due = List.copyOf(held);
    held.clear();
    due.forEach(Runnable::run);
  }

  /** Receives Delegates on the Execute stream but answers none until {@link #answer}; stays healthy. */
  public void withholdAnswers() {
    withholding = true;
  }

  /** Answers every withheld Delegate, in the order received, and answers at once from now on. */
  public void answer() {
    withholding = false;
    List<Runnable> due = List.copyOf(unanswered);
    unanswered.clear();
    due.forEach(Runnable::run);
  }

  /** Every Delegate fails with {@code status} (null: answers again). */
  public void failDelegates(Status status) {
    delegateFailure = status;
  }

  /** Stops the gRPC server only (the Coordinate stream and heartbeats go on), like a crashed listener. */
  public void shutdownServer() {
    server.shutdownNow();
  }

  /** Opens a new Coordinate stream and registers again, after {@link #disconnect}. */
  public void reconnect() {
    connect();
  }

  /** Registers with another master (a new leader) on a new Coordinate stream. */
  public void reconnect(String masterAddress) {
    ManagedChannel old = masterChannel;
    masterChannel = NettyChannelBuilder.forTarget(masterAddress).usePlaintext().build();
    old.shutdownNow();
    connect();
  }

  /** Tasks started here (attempt records), in order. */
  public List<String> started() {
    return records.stream().filter(r -> r.kind().equals("started")).map(r -> r.taskId() + "#" + r.attempt()).toList();
  }

  /** {@code 127.0.0.1:PORT}, or {@code inprocess:NAME} in process. */
  public String address() {
    return address;
  }

  /** Stops answering SyncNotify (a participant that never arrives). */
  public void ignoreSync() {
    answerSync = false;
  }

  public synchronized int maxOutstanding() {
    return maxOutstanding;
  }

  public SubOrchestratorDescriptor descriptor() {
    SubOrchestratorDescriptor.Builder b = SubOrchestratorDescriptor.newBuilder()
        .setId(id).setName(domain + " fake").setRole("sub_orchestrator").setAddress(address())
        .setSpecialization(Specialization.newBuilder().setDomain(domain)
            .addAllExpertise(expertise.isEmpty() ? List.of("API Design") : expertise))
        .setCapabilities(SubOrchestratorCapabilities.newBuilder().setMaxConcurrentTasks(maxConcurrent)
            .addAllDomainExpertise(expertise.isEmpty() ? List.of("REST APIs") : expertise))
        .addDroids(Droid.newBuilder().setName(domain + "-droid")
            .addAllExpertise(expertise.isEmpty() ? List.of("build") : expertise))
        .addAllDroids(extraDroids);
    if (policy != null) {
      b.setPolicy(policy);
    }
    return b.build();
  }

  /** Publishes {@code policy} and describes {@code droids} too: registers again with them. */
  public FakeSubOrchestrator withPolicy(dev.baton.v1.DroidPolicySpec policy, Droid... droids) {
    this.policy = policy;
    this.extraDroids = List.of(droids);
    connect();
    return this;
  }

  private void connect() {
    up = CoordinationGrpc.newStub(masterChannel).coordinate(new StreamObserver<>() {
      @Override
      public void onNext(CoordinateResponse frame) {
        frames.add(frame);
        if (frame.hasSyncNotify() && answerSync) {
          arrive(frame.getSyncNotify());
        }
      }

      @Override
      public void onError(Throwable t) {
        coordinateEnds.add(t);
      }

      @Override
      public void onCompleted() {}
    });
    send(CoordinateRequest.newBuilder().setRegister(Register.newBuilder().setOrchestrator(descriptor())).build());
  }

  private synchronized void send(CoordinateRequest r) {
    try {
      up.onNext(r);
    } catch (RuntimeException ignored) {
      // stream already gone
    }
  }

  /**
   * Starts draining as a real instance does on SIGTERM: from now on its heartbeats say so, and one
   * goes out at once. Its tasks keep running and report back.
   */
  public void drain() {
    draining = true;
    timer.execute(this::heartbeat);
  }

  private volatile boolean draining;

  private void heartbeat() {
    if (hung) {
      return;
    }
    int current;
    synchronized (this) {
      current = outstanding;
    }
    send(CoordinateRequest.newBuilder().setHeartbeat(Heartbeat.newBuilder().setInstanceId(id).setTime(now())
        .setLoad(LoadMetrics.newBuilder().setCurrentTasks(Math.min(current, maxConcurrent))
            .setMaxConcurrentTasks(maxConcurrent).setDraining(draining))).build());
  }

  private void arrive(SyncNotify n) {
    SharedState.Builder s = SharedState.newBuilder().setDomain(domain).setInstanceId(id);
    syncDocuments.forEach((name, content) -> s.addDocuments(SharedDocument.newBuilder().setKind(documentKind)
        .setName(name).setContent(content)));
    send(CoordinateRequest.newBuilder().setSyncArrival(SyncArrival.newBuilder().setPlanId(n.getPlanId())
        .setSyncPoint(n.getSyncPoint()).setState(s)).build());
  }

  /** Ends the Coordinate stream: the master must see this instance go offline. */
  public void disconnect() {
    synchronized (this) {
      up.onCompleted();
    }
  }

  private void finish(Exec e, boolean success, String error) {
    if (hung) {
      held.add(() -> finish(e, success, error));
      return;
    }
    // Real git work, as a sub-orchestrator does it, outside the lock: a commit on the task branch.
    var work = gitWork;
    dev.baton.v1.GitResult git = success && work != null && e.pkg.hasRepository() ? work.apply(e.pkg) : null;
    synchronized (this) {
      if (e.state != ExecutionState.EXECUTION_STATE_RUNNING) {
        return;
      }
      outstanding--;
      DelegationResult.Builder r = DelegationResult.newBuilder().setExecutionId(e.executionId)
          .setDroid(domain + "-droid")
          .setStatus(success ? DelegationStatus.DELEGATION_STATUS_SUCCEEDED : DelegationStatus.DELEGATION_STATUS_FAILED);
      if (success) {
        e.pkg.getExpectedDeliverablesList().forEach(d -> r.addDeliverables(Deliverable.newBuilder().setName(d)
            .setContent("made by " + e.pkg.getTaskId())));
        if (git != null) {
          r.setGit(git);
        }
      } else {
        r.addIssues(ExecutionIssue.newBuilder().setSeverity(IssueSeverity.ISSUE_SEVERITY_ERROR).setMessage(error));
      }
      e.result = r.build();
      e.state = success ? ExecutionState.EXECUTION_STATE_SUCCEEDED
          : error.startsWith("cancelled") ? ExecutionState.EXECUTION_STATE_CANCELLED : ExecutionState.EXECUTION_STATE_FAILED;
      records.add(new Record(success ? "finished" : "failed", e.pkg.getTaskId(), e.pkg.getAttempt(), id, System.nanoTime()));
    }
    ExecutionUpdate u = e.update();
    for (Watcher w : e.watchers) {
      w.update(u, true);
    }
  }

  /**
   * Sends droid events of the running execution of {@code taskId} (its latest attempt) to its
   * watchers, with {@code usage} as the run's usage so far: what an agent runner reports.
   */
  public void emit(String taskId, dev.baton.v1.Usage usage, dev.baton.v1.DroidEvent... events) {
    Exec exec = null;
    for (Exec e : byId.values()) {
      if (e.pkg.getTaskId().equals(taskId) && e.state == ExecutionState.EXECUTION_STATE_RUNNING
          && (exec == null || e.pkg.getAttempt() > exec.pkg.getAttempt())) {
        exec = e;
      }
    }
    if (exec == null) {
      throw new IllegalStateException("no running execution of " + taskId + " on " + id);
    }
    ExecutionUpdate u = exec.update().toBuilder().addAllEvents(List.of(events)).setUsage(usage).build();
    for (Watcher w : exec.watchers) {
      w.update(u, false);
    }
  }

  private Timestamp now() {
    Instant i = clock.instant();
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      up.onCompleted();
    } catch (RuntimeException ignored) {
      // already closed
    }
    masterChannel.shutdownNow();
    try {
      server.shutdownNow();
    } catch (RuntimeException e) {
      // grpc-java's InProcessTransport.shutdownNow can fail (NullPointerException) on a stream the
      // server's lane has not yet taken (no server listener yet): the server is shut down all the
      // same, and the master learns the instance left from its Coordinate stream, closed above.
      if (grpcLane == null) {
        throw e;
      }
    }
    if (grpcLane != null) {
      grpcLane.shutdownNow();
    }
  }

  private final class Service extends SubOrchestratorGrpc.SubOrchestratorImplBase {
    @Override
    public void describe(DescribeRequest request, StreamObserver<DescribeResponse> response) {
      if (hung) {
        return; // never answers: the caller's deadline must catch it
      }
      response.onNext(DescribeResponse.newBuilder().setOrchestrator(descriptor()).build());
      response.onCompleted();
    }

    @Override
    public void delegate(DelegateRequest request, StreamObserver<DelegateResponse> response) {
      delegateCalls.incrementAndGet();
      if (hung) {
        return;
      }
      Status failure = delegateFailure;
      if (failure != null) {
        response.onError(failure.asRuntimeException());
        return;
      }
      response.onNext(admit(request.getPackage()).response);
      response.onCompleted();
    }

    @Override
    public void watchExecution(WatchExecutionRequest request, StreamObserver<ExecutionUpdate> response) {
      Exec e = byId.get(request.getExecutionId());
      if (e == null) {
        response.onError(Status.NOT_FOUND.withDescription("no execution " + request.getExecutionId()).asRuntimeException());
        return;
      }
      follow(e, (u, last) -> {
        synchronized (response) {
          response.onNext(u);
          if (last) {
            response.onCompleted();
          }
        }
      });
    }

    /**
     * The same admission, failure switches and updates as Delegate and WatchExecution, multiplexed:
     * hung, a delegate gets no answer (the master's acceptance deadline must catch it); with
     * {@link #failDelegates} it is rejected with that status. Writes are serialised on the stream.
     */
    @Override
    public StreamObserver<ExecuteRequest> execute(StreamObserver<ExecuteResponse> response) {
      executeStreams.incrementAndGet();
      Watcher toStream = (u, last) -> {
        synchronized (response) {
          response.onNext(ExecuteResponse.newBuilder().setUpdate(u).build());
          streamed.add(u.getTaskId() + "#" + u.getAttempt() + " " + u.getState());
        }
      };
      return new StreamObserver<>() {
        @Override
        public void onNext(ExecuteRequest request) {
          if (request.hasWatch()) {
            Exec e = byId.get(request.getWatch().getExecutionId());
            if (e == null) {
              reject(request.getCallId(), Status.NOT_FOUND.withDescription("no execution " + request.getWatch().getExecutionId()));
            } else {
              follow(e, toStream);
            }
            return;
          }
          delegateCalls.incrementAndGet();
          if (hung) {
            return;
          }
          Status failure = delegateFailure;
          if (failure != null) {
            reject(request.getCallId(), failure);
            return;
          }
          if (withholding) {
            unanswered.add(() -> accept(request));
            return;
          }
          accept(request);
        }

        private void accept(ExecuteRequest request) {
          Admitted admitted = admit(request.getDelegate().getPackage());
          synchronized (response) {
            response.onNext(ExecuteResponse.newBuilder().setAccepted(ExecuteAccepted.newBuilder()
                .setCallId(request.getCallId()).setResponse(admitted.response)).build());
          }
          follow(admitted.exec, toStream);
        }

        private void reject(long callId, Status status) {
          synchronized (response) {
            response.onNext(ExecuteResponse.newBuilder().setRejected(ExecuteRejected.newBuilder().setCallId(callId)
                .setCode(status.getCode().value())
                .setMessage(status.getDescription() == null ? "" : status.getDescription())).build());
          }
        }

        @Override
        public void onError(Throwable t) {
          forget(toStream);
        }

        @Override
        public void onCompleted() {
          forget(toStream);
          synchronized (response) {
            response.onCompleted();
          }
        }
      };
    }

    private void forget(Watcher w) {
      for (Exec e : byId.values()) {
        e.watchers.remove(w);
      }
    }

    /** Sends the current update, then (while running) every change until the terminal one. */
    private void follow(Exec e, Watcher w) {
      synchronized (FakeSubOrchestrator.this) {
        boolean last = e.state != ExecutionState.EXECUTION_STATE_RUNNING;
        w.update(e.update(), last);
        if (!last) {
          e.watchers.add(w);
        }
      }
    }

    private record Admitted(Exec exec, DelegateResponse response) {}

    private Admitted admit(DelegationPackage pkg) {
      String key = pkg.getTaskId() + "#" + pkg.getAttempt();
      boolean[] created = {false};
      Exec e = byKey.computeIfAbsent(key, k -> {
        created[0] = true;
        Exec x = new Exec(id + "-" + key, pkg);
        byId.put(x.executionId, x);
        return x;
      });
      if (created[0]) {
        packages.add(pkg);
        synchronized (FakeSubOrchestrator.this) {
          outstanding++;
          maxOutstanding = Math.max(maxOutstanding, outstanding);
          records.add(new Record("started", pkg.getTaskId(), pkg.getAttempt(), id, System.nanoTime()));
        }
        var sim = pkg.getSimulation();
        if (!sim.getHang()) {
          boolean fail = pkg.getAttempt() <= sim.getFailFirstAttempts();
          timer.schedule(() -> finish(e, !fail, "simulated failure of attempt " + pkg.getAttempt()),
              sim.getDurationMillis(), TimeUnit.MILLISECONDS);
        }
      }
      return new Admitted(e, DelegateResponse.newBuilder().setExecutionId(e.executionId).setCreated(created[0])
          .setState(ExecutionState.EXECUTION_STATE_RUNNING).setInstanceId(id).build());
    }

    @Override
    public void cancelExecution(CancelExecutionRequest request, StreamObserver<CancelExecutionResponse> response) {
      if (hung) {
        return;
      }
      Exec e = byId.get(request.getExecutionId());
      if (e != null) {
        cancelled.add(e.pkg.getTaskId());
        finish(e, false, "cancelled: " + request.getReason());
      }
      response.onNext(CancelExecutionResponse.newBuilder().setState(
          e == null ? ExecutionState.EXECUTION_STATE_CANCELLED : e.state).build());
      response.onCompleted();
    }
  }

  /** Records of several fakes merged in time order. */
  public static List<Record> merged(FakeSubOrchestrator... fakes) {
    List<Record> all = new ArrayList<>();
    for (FakeSubOrchestrator f : fakes) {
      all.addAll(f.records);
    }
    all.sort((a, b) -> Long.compare(a.nanos(), b.nanos()));
    return all;
  }
}
