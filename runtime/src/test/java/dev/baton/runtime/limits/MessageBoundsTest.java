package dev.baton.runtime.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import dev.baton.v1.CommandSpec;
import dev.baton.v1.CoordinateRequest;
import dev.baton.v1.DelegateRequest;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.Heartbeat;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.Register;
import dev.baton.v1.SharedArtifact;
import dev.baton.v1.DelegationContext;
import dev.baton.v1.SimulationSpec;
import dev.baton.v1.Specialization;
import dev.baton.v1.SubOrchestratorCapabilities;
import dev.baton.v1.SubOrchestratorDescriptor;
import dev.baton.v1.SubmitPlanRequest;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bounds every server applies, on the messages of the attacks and on good ones. */
class MessageBoundsTest {
  private final MessageBounds bounds = BatonBounds.standard();

  private static SubOrchestratorDescriptor.Builder instance() {
    return SubOrchestratorDescriptor.newBuilder().setId("backend-orchestrator-1a2b3c").setAddress("127.0.0.1:7301")
        .setSpecialization(Specialization.newBuilder().setDomain("backend"))
        .setCapabilities(SubOrchestratorCapabilities.newBuilder().setMaxConcurrentTasks(5));
  }

  private static CoordinateRequest register(SubOrchestratorDescriptor.Builder d) {
    return CoordinateRequest.newBuilder().setRegister(Register.newBuilder().setOrchestrator(d)).build();
  }

  @Test
  void everyRuleNamesAFieldOfTheProtos() {
    Set<String> fields = new HashSet<>();
    Set<String> messages = new HashSet<>();
    FileDescriptor file = dev.baton.v1.MasterProto.getDescriptor();
    ArrayDeque<FileDescriptor> files = new ArrayDeque<>(List.of(file, dev.baton.v1.SubOrchestratorProto.getDescriptor()));
    Set<FileDescriptor> seen = new HashSet<>();
    while (!files.isEmpty()) {
      FileDescriptor f = files.pop();
      if (!seen.add(f)) {
        continue;
      }
      files.addAll(f.getDependencies());
      ArrayDeque<Descriptor> types = new ArrayDeque<>(f.getMessageTypes());
      while (!types.isEmpty()) {
        Descriptor d = types.pop();
        messages.add(d.getFullName());
        types.addAll(d.getNestedTypes());
        d.getFields().forEach(x -> fields.add(x.getFullName()));
      }
    }
    assertThat(fields).containsAll(bounds.rules().keySet());
    assertThat(messages).contains("baton.v1.Plan", "baton.v1.DelegationPackage");
  }

  @Test
  void aGoodRegisterAndHeartbeatPass() {
    assertThatCode(() -> bounds.check(register(instance()), "")).doesNotThrowAnyException();
    assertThatCode(() -> RegisterCheck.check(instance().build())).doesNotThrowAnyException();
    assertThatCode(() -> RegisterCheck.check(instance().setAddress("backend-0.baton.svc:7301").build()))
        .doesNotThrowAnyException();
    assertThatCode(() -> RegisterCheck.check(instance().setAddress("[::1]:7301").build())).doesNotThrowAnyException();
    assertThatCode(() -> bounds.check(CoordinateRequest.newBuilder().setHeartbeat(Heartbeat.newBuilder()
        .setInstanceId("backend-orchestrator-1a2b3c").setLoad(LoadMetrics.newBuilder().setCurrentTasks(3)
            .setMaxConcurrentTasks(5).setRecentFailureRate(0.25))).build(), "")).doesNotThrowAnyException();
  }

  @Test
  void refusesATenMegabyteInstanceIdNamingFieldSizeAndBound() {
    String huge = "x".repeat(10 * 1024 * 1024);
    assertThatThrownBy(() -> bounds.check(register(instance().setId(huge)), ""))
        .isInstanceOf(BoundsException.class)
        .hasMessage("register.orchestrator.id: 10485760 bytes (10.0 MiB) (expected: at most 128 bytes)");
  }

  @Test
  void refusesAnInstanceIdOutsideItsPattern() {
    assertThatThrownBy(() -> bounds.check(register(instance().setId("../evil id")), ""))
        .hasMessageStartingWith("register.orchestrator.id: '../evil id' (expected: 1 to 128 characters");
  }

  @Test
  void refusesAnUnknownDomainAndAnAddressThatIsNone() {
    assertThatThrownBy(() -> RegisterCheck.check(instance()
        .setSpecialization(Specialization.newBuilder().setDomain("nosuch")).build()))
        .hasMessage("orchestrator.specialization.domain: 'nosuch' (expected one of: frontend, backend, devops, testing)");
    assertThatThrownBy(() -> RegisterCheck.check(instance().setAddress("not an address").build()))
        .hasMessageStartingWith("orchestrator.address: 'not an address' (expected: host:port");
    assertThatThrownBy(() -> RegisterCheck.check(instance().setAddress("127.0.0.1:70000").build()))
        .hasMessageContaining("port 1..65535");
  }

  @Test
  void refusesNegativeTasksAndLoadOutOfRange() {
    assertThatThrownBy(() -> bounds.check(CoordinateRequest.newBuilder().setHeartbeat(Heartbeat.newBuilder()
        .setLoad(LoadMetrics.newBuilder().setCurrentTasks(-5))).build(), ""))
        .hasMessage("heartbeat.load.currentTasks: -5 (expected: 0..10000)");
    assertThatThrownBy(() -> bounds.check(CoordinateRequest.newBuilder().setHeartbeat(Heartbeat.newBuilder()
        .setLoad(LoadMetrics.newBuilder().setRecentFailureRate(Double.NaN))).build(), ""))
        .hasMessage("heartbeat.load.recentFailureRate: NaN (expected: a finite number)");
    assertThatThrownBy(() -> bounds.check(register(instance().setCapabilities(
        SubOrchestratorCapabilities.newBuilder().setMaxConcurrentTasks(Integer.MAX_VALUE))), ""))
        .hasMessage("register.orchestrator.capabilities.maxConcurrentTasks: 2147483647 (expected: 0..10000)");
  }

  @Test
  void refusesEndlessDurationsOverDelegate() {
    assertThatThrownBy(() -> bounds.check(DelegateRequest.newBuilder().setPackage(DelegationPackage.newBuilder()
        .setPlanId("p").setTaskId("t").setSimulation(SimulationSpec.newBuilder().setDurationMillis(Long.MAX_VALUE)))
        .build(), ""))
        .hasMessage("package.simulation.durationMillis: 9223372036854775807 (expected: 0..604800000)");
    assertThatThrownBy(() -> bounds.check(DelegateRequest.newBuilder().setPackage(DelegationPackage.newBuilder()
        .setCommand(CommandSpec.newBuilder().setRun("true").setTimeoutMillis(-1))).build(), ""))
        .hasMessage("package.command.timeoutMillis: -1 (expected: 0..604800000)");
  }

  @Test
  void refusesLargeDescriptionsAndDocumentsPerItemAndInTotal() {
    // 20 MB: over the whole package's bound first.
    assertThatThrownBy(() -> bounds.check(DelegateRequest.newBuilder().setPackage(DelegationPackage.newBuilder()
        .setTaskDescription("word ".repeat(4 * 1024 * 1024))).build(), ""))
        .hasMessage("package: 20971525 bytes (20.0 MiB) in all (expected: at most 4194304 bytes (4.0 MiB) for a DelegationPackage)");
    assertThatThrownBy(() -> bounds.check(DelegateRequest.newBuilder().setPackage(DelegationPackage.newBuilder()
        .setTaskDescription("word ".repeat(20 * 1024))).build(), ""))
        .hasMessage("package.taskDescription: 102400 bytes (100.0 KiB) (expected: at most 65536 bytes (64.0 KiB))");
    assertThatThrownBy(() -> bounds.check(DelegateRequest.newBuilder().setPackage(DelegationPackage.newBuilder()
        .setSimulation(SimulationSpec.newBuilder().putDocuments("api.yaml", "y".repeat(2 << 20)))).build(), ""))
        .hasMessage("package.simulation.documents[api.yaml]: 2097152 bytes (2.0 MiB) (expected: at most 1048576 bytes (1.0 MiB))");
    DelegationContext.Builder context = DelegationContext.newBuilder();
    for (int i = 0; i < 5; i++) {
      context.addSharedArtifacts(SharedArtifact.newBuilder().setName("doc-" + i).setContent("z".repeat(1 << 20)));
    }
    assertThatThrownBy(() -> bounds.check(DelegateRequest.newBuilder().setPackage(DelegationPackage.newBuilder()
        .setContext(context)).build(), ""))
        .hasMessageStartingWith("package: 524")
        .hasMessageEndingWith("in all (expected: at most 4194304 bytes (4.0 MiB) for a DelegationPackage)");
  }

  @Test
  void refusesATimeScaleOfTenToThe308() {
    assertThatThrownBy(() -> bounds.check(SubmitPlanRequest.newBuilder().setPlanYaml("x").setTimeScale(1e308).build(), ""))
        .hasMessage("timeScale: 1.0E308 (expected: 0..1)");
    assertThatCode(() -> bounds.check(SubmitPlanRequest.newBuilder().setPlanYaml("x").setTimeScale(0.001).build(), ""))
        .doesNotThrowAnyException();
  }

  @Test
  void refusesAYamlRunThatWouldCostSecondsAndAcceptsSpacedText() {
    String yaml = "metadata:\n  description: " + "x".repeat(4_000_000) + "\n";
    assertThatThrownBy(() -> YamlCost.checkRuns("plan", yaml))
        .hasMessage("plan (line 2): a run of 4000000 characters without a space or line break (expected: at most 65536;"
            + " break long values over lines with a YAML block scalar '|' or '>')");
    assertThatCode(() -> YamlCost.checkRuns("plan", "d: " + "word ".repeat(200_000))).doesNotThrowAnyException();
  }
}
