package dev.baton.bench.suite;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Figure 9's peer: Temporal's dev server (its own process) with a Java SDK worker and client in
 * this JVM, the worker on the SDK's default options, one task queue, the no-op activity of
 * {@link TemporalNoOps}. A plan is one workflow execution; the client's time is from
 * {@code WorkflowClient.start} to {@code getResult} returning.
 */
final class TemporalPeer implements PeerSystem {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

  private final TemporalDevServer server;
  private final WorkflowServiceStubs service;
  private final WorkflowClient client;
  private final WorkerFactory workers;
  private final TemporalNoOps.CountingNoOp activity = new TemporalNoOps.CountingNoOp();
  private final AtomicLong runs = new AtomicLong();

  private TemporalPeer(TemporalDevServer server, WorkflowServiceStubs service) {
    this.server = server;
    this.service = service;
    this.client = WorkflowClient.newInstance(service);
    this.workers = WorkerFactory.newInstance(client);
    var worker = workers.newWorker(TemporalNoOps.TASK_QUEUE, WorkerOptions.getDefaultInstance());
    worker.registerWorkflowImplementationTypes(TemporalNoOps.NoOpWorkflowImpl.class);
    worker.registerActivitiesImplementations(activity);
    workers.start();
  }

  /**
   * Starts the dev server with {@code store} (and {@code serverArgs} on its command line), waits
   * until it answers a health check, starts the worker.
   */
  static TemporalPeer start(Path binary, TemporalDevServer.Store store, List<String> serverArgs) {
    TemporalDevServer server = TemporalDevServer.start(binary, store, serverArgs);
    try {
      return new TemporalPeer(server, connect(server));
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private static WorkflowServiceStubs connect(TemporalDevServer server) {
    WorkflowServiceStubsOptions options = WorkflowServiceStubsOptions.newBuilder().setTarget(server.target()).build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IllegalStateException("temporal server start-dev exited before it served; its last lines:\n"
            + server.logTail(20));
      }
      try {
        return WorkflowServiceStubs.newConnectedServiceStubs(options, Duration.ofSeconds(2));
      } catch (RuntimeException e) {
        last = e;
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
    throw new IllegalStateException("temporal server start-dev at " + server.target() + " did not answer a health"
        + " check within " + READY_TIMEOUT.toSeconds() + " s (last error: " + last + "); its last lines:\n"
        + server.logTail(20), last);
  }

  @Override
  public String label() {
    return "Temporal (" + server.store().description + ")";
  }

  /** The worker options in force, for the report. */
  static String workerDefaults() {
    WorkerOptions o = WorkerOptions.getDefaultInstance();
    return "max concurrent activities " + o.getMaxConcurrentActivityExecutionSize() + ", workflow tasks "
        + o.getMaxConcurrentWorkflowTaskExecutionSize() + ", activity pollers " + o.getMaxConcurrentActivityTaskPollers()
        + ", workflow pollers " + o.getMaxConcurrentWorkflowTaskPollers() + ", eager activity execution "
        + (o.isEagerExecutionDisabled() ? "off" : "on");
  }

  @Override
  public Run run(NoOpPlan plan) {
    long before = activity.calls();
    WorkflowOptions options = WorkflowOptions.newBuilder()
        .setTaskQueue(TemporalNoOps.TASK_QUEUE)
        .setWorkflowId("noop-" + runs.incrementAndGet() + "-" + System.nanoTime())
        .setWorkflowRunTimeout(RUN_TIMEOUT)
        .build();
    TemporalNoOps.NoOpWorkflow workflow = client.newWorkflowStub(TemporalNoOps.NoOpWorkflow.class, options);
    long t0 = System.nanoTime();
    WorkflowClient.start(workflow::run, plan.tasks(), plan.chain());
    int completed;
    try {
      completed = WorkflowStub.fromTyped(workflow).getResult(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS, Integer.class);
    } catch (TimeoutException e) {
      throw new IllegalStateException(label() + ": '" + plan.label() + "' did not finish within " + RUN_TIMEOUT, e);
    }
    double millis = (System.nanoTime() - t0) / 1e6;
    long executed = activity.calls() - before;
    if (completed != plan.tasks() || executed != plan.tasks()) {
      throw new IllegalStateException(label() + ": '" + plan.label() + "' returned " + completed + " and the worker"
          + " executed " + executed + " activities (expected: " + plan.tasks() + " each)");
    }
    return new Run(millis, (int) executed);
  }

  @Override
  public void close() {
    try {
      workers.shutdownNow();
      workers.awaitTermination(10, TimeUnit.SECONDS);
      service.shutdownNow();
      service.awaitTermination(10, TimeUnit.SECONDS);
    } finally {
      server.close();
    }
  }
}
