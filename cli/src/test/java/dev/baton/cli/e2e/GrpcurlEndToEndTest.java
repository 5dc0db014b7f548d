package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.baton.cli.mesh.Mesh;
import dev.baton.v1.GetDashboardResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A person's first tour: grpcurl, knowing nothing but the address, through server reflection. */
@ExtendWith(SharedMesh.class)
class GrpcurlEndToEndTest {

  private static ProcessRun grpcurl(String... args) {
    List<String> command = new ArrayList<>(List.of(TestPaths.tool("grpcurl").toString(), "-plaintext"));
    command.addAll(List.of(args));
    return ProcessRun.exec(command, Duration.ofSeconds(30));
  }

  @Test
  void listsTheMastersServicesThroughReflection(Mesh mesh) {
    ProcessRun run = grpcurl(mesh.masterAddress(), "list");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout().lines().toList())
        .contains("baton.v1.Master", "baton.v1.Coordination", "grpc.health.v1.Health")
        .anyMatch(s -> s.startsWith("grpc.reflection."));
  }

  @Test
  void describesAndCallsGetDashboardThroughReflection(Mesh mesh) throws Exception {
    ProcessRun describe = grpcurl(mesh.masterAddress(), "describe", "baton.v1.Master");
    assertThat(describe.stdout()).contains("rpc GetDashboard", "rpc SubmitPlan", "rpc WatchPlan");

    ProcessRun run = grpcurl("-d", "{}", mesh.masterAddress(), "baton.v1.Master/GetDashboard");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    GetDashboardResponse.Builder dashboard = GetDashboardResponse.newBuilder();
    JsonFormat.parser().merge(run.stdout(), dashboard);
    assertThat(dashboard.getDashboard().getOverview().getTotalOrchestrators()).isEqualTo(4);
    assertThat(dashboard.getDashboard().getOrchestratorStatusMap().values())
        .extracting(s -> s.getDomain())
        .containsExactlyInAnyOrder("frontend", "backend", "devops", "testing");
  }

  @Test
  void healthCheckSaysServingOnMasterAndOrchestrators(Mesh mesh) {
    List<String> addresses = new ArrayList<>(List.of(mesh.masterAddress()));
    mesh.orchestrators().values().forEach(o -> addresses.add(o.address()));
    for (String address : addresses) {
      ProcessRun run = grpcurl("-d", "{}", address, "grpc.health.v1.Health/Check");
      assertThat(run.exitCode()).as(address + ": " + run).isZero();
      assertThat(run.stdout()).as(address).contains("\"status\": \"SERVING\"");
    }
  }
}
