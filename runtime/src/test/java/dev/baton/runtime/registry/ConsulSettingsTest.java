package dev.baton.runtime.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.v1.ComplexityLevel;
import dev.baton.v1.Specialization;
import dev.baton.v1.SubOrchestratorCapabilities;
import dev.baton.v1.SubOrchestratorDescriptor;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Validation of the Consul settings and the descriptor <-> meta mapping. */
class ConsulSettingsTest {

  @Test
  void defaultsAreValidAndDocumented() {
    ConsulSettings s = ConsulSettings.builder().build();
    assertThat(s.address()).isEqualTo("127.0.0.1:8500");
    assertThat(s.checkMode()).isEqualTo(CheckMode.GRPC);
    assertThat(s.deregisterCriticalAfter()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.toBuilder().build()).isEqualTo(s);
  }

  @Test
  void refusesValuesConsulWouldNotHonour() {
    assertRefused(b -> b.deregisterCriticalAfter(Duration.ofSeconds(30)),
        "deregisterCriticalAfter: PT30S (expected: >= PT1M, Consul's floor)");
    assertRefused(b -> b.checkTimeout(Duration.ofSeconds(3)),
        "checkTimeout: PT3S (expected: <= checkInterval PT2S)");
    assertRefused(b -> b.watchWait(Duration.ofMillis(1500)),
        "watchWait: PT1.5S (expected: whole seconds from PT1S to PT10M)");
    assertRefused(b -> b.maxBackoff(Duration.ofMillis(100)),
        "maxBackoff: PT0.1S (expected: >= initialBackoff PT0.2S)");
    assertRefused(b -> b.address("consul"),
        "consul address: 'consul' (expected: host:port of the Consul agent's HTTP API, e.g. 127.0.0.1:8500)");
  }

  private static void assertRefused(UnaryOperator<ConsulSettings.Builder> change, String message) {
    assertThatThrownBy(() -> change.apply(ConsulSettings.builder()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource({
    "10.0.0.5:8500, '', 10.0.0.5:8500",
    "'', http://127.0.0.1:9500, 127.0.0.1:9500",
    "'', 127.0.0.1:9500/, 127.0.0.1:9500",
    "'', '', 127.0.0.1:8500",
  })
  void resolvesTheAddressFromTheFlagThenTheEnvironment(String flag, String env, String expected) {
    Map<String, String> environment = env.isEmpty() ? Map.of() : Map.of("CONSUL_HTTP_ADDR", env);
    assertThat(ConsulSettings.resolveAddress(flag.isEmpty() ? null : flag, environment, true)).isEqualTo(expected);
  }

  @Test
  void notAskedForMeansNoAddress() {
    assertThat(ConsulSettings.resolveAddress(null, Map.of(), false)).isNull();
  }

  @ParameterizedTest
  @CsvSource({"grpc, GRPC", "TTL, TTL", "grpc+ttl, GRPC_AND_TTL"})
  void parsesCheckModes(String text, CheckMode mode) {
    assertThat(CheckMode.parse(text)).isEqualTo(mode);
  }

  @Test
  void metaCarriesTheRoutingEssentialsAndRebuildsTheDescriptor() {
    SubOrchestratorDescriptor d = SubOrchestratorDescriptor.newBuilder()
        .setId("backend-orchestrator-1a2b3c")
        .setName("Backend Orchestrator")
        .setRole("sub_orchestrator")
        .setSpecialization(Specialization.newBuilder().setDomain("backend").addExpertise("API Design")
            .addExpertise("Databases"))
        .setCapabilities(SubOrchestratorCapabilities.newBuilder().setMaxConcurrentTasks(4)
            .setComplexityLevel(ComplexityLevel.COMPLEXITY_LEVEL_COMPLEX).addDomainExpertise("REST; GraphQL"))
        .build();

    ServiceRegistration r = DescriptorMeta.registration(d, "10.0.0.7", 7301);
    assertThat(r.service()).isEqualTo("baton-backend");
    assertThat(r.id()).isEqualTo("backend-orchestrator-1a2b3c");
    assertThat(r.meta()).containsEntry("domain", "backend").containsEntry("max_concurrent_tasks", "4")
        .containsEntry("complexity", "complex").containsEntry("expertise", "API Design;Databases")
        .containsEntry("domain_expertise", "REST, GraphQL");

    SubOrchestratorDescriptor back = DescriptorMeta.descriptor(
        new ServiceInstance(r.service(), r.id(), r.host(), r.port(), r.tags(), r.meta()));
    assertThat(back.getId()).isEqualTo(d.getId());
    assertThat(back.getAddress()).isEqualTo("10.0.0.7:7301");
    assertThat(back.getSpecialization().getDomain()).isEqualTo("backend");
    assertThat(back.getSpecialization().getExpertiseList()).containsExactly("API Design", "Databases");
    assertThat(back.getCapabilities().getMaxConcurrentTasks()).isEqualTo(4);
    assertThat(back.getCapabilities().getComplexityLevel()).isEqualTo(ComplexityLevel.COMPLEXITY_LEVEL_COMPLEX);
  }

  @Test
  void longListsAreCutAtAnItemBoundaryToConsulsLimit() {
    List<String> many = Collections.nCopies(100, "expertise-item");
    String joined = DescriptorMeta.bounded(many);
    assertThat(joined.length()).isLessThanOrEqualTo(512);
    assertThat(joined).endsWith("expertise-item");
    assertThat(DescriptorMeta.split(joined)).hasSize((512 + 1) / ("expertise-item".length() + 1));
  }

  @Test
  void serviceNamesPerRole() {
    assertThat(ServiceNames.MASTER).isEqualTo("baton-master");
    assertThat(ServiceNames.forDomain("testing")).isEqualTo("baton-testing");
    assertThatThrownBy(() -> ServiceNames.forDomain("master"))
        .hasMessage("domain: 'master' (expected: [a-z0-9-]+, not 'master')");
  }
}
