package dev.baton.runtime.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrchestratorConfigTest {
  @Test
  void hasTheNamedDefaults() {
    OrchestratorConfig config = OrchestratorConfig.builder().masterAddress("127.0.0.1:7400").build();

    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isZero();
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.defaultCommandTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(config.maxConcurrentTasks()).isZero();
    assertThat(config.workspaceRoot()).isEqualTo(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "baton-workspaces").toAbsolutePath().normalize());
    assertThat(config.instanceIdFor("backend")).matches("backend-orchestrator-[0-9a-f]{6}");
    assertThat(config.toBuilder().instanceId("b-1").build().instanceIdFor("backend")).isEqualTo("b-1");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "missing master     | ''             | 0     | 1  | masterAddress: missing (expected: host:port",
    "master no port     | localhost      | 0     | 1  | masterAddress: 'localhost' (expected: host:port",
    "master bad port    | localhost:x    | 0     | 1  | masterAddress: 'localhost:x'",
    "negative port      | localhost:7400 | -1    | 1  | port: -1 (expected: 0..65535",
    "zero heartbeat     | localhost:7400 | 0     | 0  | heartbeatInterval: PT0S (expected: > 0)",
  })
  void refusesBadValuesNamingThem(String name, String master, int port, long heartbeatMillis, String message) {
    assertThatThrownBy(() -> OrchestratorConfig.builder().masterAddress(master).port(port)
        .heartbeatInterval(Duration.ofMillis(heartbeatMillis)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void refusesANegativeConcurrencyOverride() {
    assertThatThrownBy(() -> OrchestratorConfig.builder().masterAddress("h:1").maxConcurrentTasks(-1).build())
        .hasMessage("maxConcurrentTasks: -1 (expected: >= 0, 0 keeps the specialisation's)");
  }

  @Test
  void launcherParsesTheMainsArguments() {
    OrchestratorConfig config = OrchestratorLauncher.parse(List.of("--master", "10.0.0.1:7400", "--port", "7501", "--host", "0.0.0.0"));

    assertThat(config.masterAddress()).isEqualTo("10.0.0.1:7400");
    assertThat(config.port()).isEqualTo(7501);
    assertThat(config.host()).isEqualTo("0.0.0.0");
    assertThat(config.droidsDir()).isNull();
    assertThat(OrchestratorLauncher.parse(List.of("--master", "h:1", "--droids", "my-droids")).droidsDir())
        .isEqualTo(Path.of("my-droids").toAbsolutePath());
    assertThatThrownBy(() -> OrchestratorLauncher.parse(List.of("--master", "h:1", "--colour", "red")))
        .hasMessageContaining("unknown option '--colour'");
    assertThatThrownBy(() -> OrchestratorLauncher.parse(List.of("--port", "x", "--master", "h:1")))
        .hasMessageContaining("--port: 'x'");
  }

  @Test
  void takesSeveralMastersInTheOrderGivenAndRefusesRepeatsAndConsulWithAList() {
    OrchestratorConfig config = OrchestratorLauncher.parse(List.of("--master", "10.0.0.1:7400, 10.0.0.2:7400,10.0.0.3:7401"));

    assertThat(config.masterAddresses()).containsExactly("10.0.0.1:7400", "10.0.0.2:7400", "10.0.0.3:7401");
    assertThat(config.masterAddress()).isEqualTo("10.0.0.1:7400,10.0.0.2:7400,10.0.0.3:7401");
    assertThat(config.toBuilder().build().masterAddresses()).isEqualTo(config.masterAddresses());
    assertThatThrownBy(() -> OrchestratorConfig.builder().masterAddress("a:1,b:2,a:1").build())
        .hasMessage("masterAddress: 'a:1,b:2,a:1' names an address twice (expected: each master once)");
    assertThatThrownBy(() -> OrchestratorConfig.builder().masterAddress("a:1,b").build())
        .hasMessageStartingWith("masterAddress: 'b' (expected: host:port of the master");
    assertThatThrownBy(() -> OrchestratorConfig.builder().masterAddress("a:1,b:2")
        .consul(dev.baton.runtime.registry.ConsulSettings.builder().build()).build())
        .hasMessageStartingWith("masterAddress: 'a:1,b:2' (expected: none with consul");
  }

  @Test
  void findsSpecialisationsByDomainOrNamesTheKnownOnes() {
    assertThat(Specialisations.find("sample").profile().name()).isEqualTo("Sample Orchestrator");
    assertThatThrownBy(() -> Specialisations.find("data"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown domain 'data' (expected one of: sample)");
  }
}
