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
