package dev.baton.cli.e2e;

import dev.baton.master.journal.Journal;
import dev.baton.v1.LoadMetrics;
import java.util.List;
import java.util.Map;

/** What {@link TakeOverRun} needs of a mesh whose masters get killed: where they are, the journal, the instances. */
interface TakeOverMesh {
  /** Every master's {@code host:port}, in a fixed order. */
  List<String> addressList();

  /** {@code host:port,...} for {@code --master}. */
  default String addresses() {
    return String.join(",", addressList());
  }

  /** Submits a plan to the master that leads; returns its id. */
  String submit(String yaml, double timeScale);

  /** Each sub-orchestrator's load (its counters of finished executions), by domain. */
  Map<String, LoadMetrics> loads();

  /**
   * Submits {@code request} (plaintext) to {@code first}, following a standby's leader hint (else
   * {@code fallback}) for up to five hops; the same request id on every try.
   */
  static String submitToLeader(String first, java.util.function.Supplier<String> fallback,
      dev.baton.v1.SubmitPlanRequest request) {
    String target = first;
    io.grpc.StatusRuntimeException last = null;
    for (int hop = 0; hop < 5; hop++) {
      try {
        return submitTo(target, request, java.time.Duration.ofSeconds(10));
      } catch (io.grpc.StatusRuntimeException e) {
        last = e;
        if (e.getStatus().getCode() != io.grpc.Status.Code.UNAVAILABLE) {
          throw e;
        }
        target = dev.baton.runtime.server.LeaderHint.from(e).orElseGet(fallback);
      }
    }
    throw new AssertionError("no master took the plan", last);
  }

  /** SubmitPlan to one master (plaintext), no retry; returns the plan id or throws what the master said. */
  static String submitTo(String address, dev.baton.v1.SubmitPlanRequest request, java.time.Duration deadline) {
    io.grpc.ManagedChannel channel = io.grpc.ManagedChannelBuilder.forTarget(address).usePlaintext().build();
    try {
      return dev.baton.v1.MasterGrpc.newBlockingStub(channel)
          .withDeadlineAfter(deadline.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
          .submitPlan(request).getPlanId();
    } finally {
      channel.shutdownNow();
    }
  }

  /** Cancels {@code planId} on the master at {@code address}, best effort (finished already, or no leader now). */
  static void cancelOn(String address, String planId) {
    io.grpc.ManagedChannel channel = io.grpc.ManagedChannelBuilder.forTarget(address).usePlaintext().build();
    try {
      dev.baton.v1.MasterGrpc.newBlockingStub(channel).withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
          .cancelPlan(dev.baton.v1.CancelPlanRequest.newBuilder().setPlanId(planId).setReason("the test ended").build());
    } catch (io.grpc.StatusRuntimeException e) {
      // finished already, or no leader now: nothing more to do
    } finally {
      channel.shutdownNow();
    }
  }

  /** Asks each of {@code subs} (plaintext) for its load by Describe, keyed as given. */
  static Map<String, LoadMetrics> describeLoads(Map<String, dev.baton.cli.mesh.LaunchedProcess> subs) {
    Map<String, LoadMetrics> loads = new java.util.LinkedHashMap<>();
    for (var e : subs.entrySet()) {
      io.grpc.ManagedChannel channel =
          io.grpc.ManagedChannelBuilder.forTarget(e.getValue().address()).usePlaintext().build();
      try {
        loads.put(e.getKey(), dev.baton.v1.SubOrchestratorGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
            .describe(dev.baton.v1.DescribeRequest.getDefaultInstance()).getLoad());
      } finally {
        channel.shutdownNow();
      }
    }
    return loads;
  }

  /** Each sub-orchestrator's instance id, by domain. */
  Map<String, String> instanceIds();

  /** Cancels a plan (best effort: a test that failed leaves no plan running into the next one). */
  void cancel(String planId);

  /** The masters' journal, opened read-only. */
  Journal journal();

  /** How a test dials the masters: plaintext unless the mesh runs TLS. */
  default dev.baton.runtime.security.ClientSecurity security() {
    return dev.baton.runtime.security.ClientSecurity.plaintext();
  }

  /** The {@code --tls-*} flags a CLI process needs to reach the masters; none for plaintext. */
  default List<String> cliTlsArgs() {
    return List.of();
  }
}
