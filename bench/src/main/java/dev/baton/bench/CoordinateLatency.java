package dev.baton.bench;

import com.google.protobuf.Struct;
import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.runtime.coordination.Messages;
import dev.baton.runtime.orchestrator.OrchestratorConfig;
import dev.baton.runtime.orchestrator.Specialisations;
import dev.baton.runtime.orchestrator.SubOrchestratorServer;
import dev.baton.v1.CrossOrchestratorMessage;
import dev.baton.v1.MessageType;
import dev.baton.v1.Priority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Round-trip latency of a requires_response CrossOrchestratorMessage on localhost: master -> backend
 * -> master over the Coordinate stream, and frontend -> backend -> frontend directly (Peer/Deliver).
 * Sequential requests; prints p50/p99 in microseconds. Argument: the number of messages (10000).
 */
public final class CoordinateLatency {
  private CoordinateLatency() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Path work = Files.createTempDirectory("baton-bench");
    try (MasterServer master = MasterServer.start(MasterConfig.builder().build());
        SubOrchestratorServer backend = SubOrchestratorServer.start(OrchestratorConfig.builder()
            .masterAddress(master.address()).instanceId("backend-bench").workspaceRoot(work).build(),
            Specialisations.find("backend"));
        SubOrchestratorServer frontend = SubOrchestratorServer.start(OrchestratorConfig.builder()
            .masterAddress(master.address()).instanceId("frontend-bench").workspaceRoot(work).build(),
            Specialisations.find("frontend"))) {
      backend.subscribe("bench.*", m -> Struct.getDefaultInstance());
      long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!(backend.registered() && frontend.registered()
          && frontend.messenger().knownPeers().containsKey("backend-bench"))) {
        if (System.nanoTime() > until) {
          throw new IllegalStateException("the mesh did not come up in 20 s");
        }
        Thread.onSpinWait();
      }
      report("master->sub->master", n, () -> master.coordination()
          .request(message("backend-bench"), Duration.ofSeconds(10)).join());
      report("peer->peer (direct)", n, () -> frontend
          .request(message("backend-bench"), Duration.ofSeconds(10)).join());
      System.out.printf("peer messages sent direct: %d, relayed: %d%n",
          frontend.messenger().directCount(), frontend.messenger().relayedCount());
    }
  }

  private static CrossOrchestratorMessage message(String to) {
    return Messages.message(MessageType.MESSAGE_TYPE_SYNC_REQUEST, "", to, "bench.ping",
        Struct.getDefaultInstance(), Priority.PRIORITY_MEDIUM, Clock.systemUTC()).build();
  }

  private static void report(String name, int n, Supplier<CrossOrchestratorMessage> call) {
    for (int i = 0; i < Math.min(1000, n); i++) {
      call.get(); // warm-up
    }
    long[] micros = new long[n];
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      call.get();
      micros[i] = (System.nanoTime() - t) / 1000;
    }
    Arrays.sort(micros);
    System.out.printf("%-22s n=%d p50=%d us p99=%d us max=%d us%n", name, n,
        micros[n / 2], micros[(int) Math.ceil(n * 0.99) - 1], micros[n - 1]);
  }
}
