package dev.baton.master.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.baton.runtime.fuzz.FuzzContract;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * Coverage-guided fuzz target for every shared-document parser: the documents droids publish at a
 * sync point (OpenAPI, ApiUsage, DeploymentConfig, DeploymentStrategy, InfrastructureNeeds,
 * InfrastructureProvisions) are untrusted text. The contract of each parser: a result or a
 * {@link DocumentException} naming the document, quickly; anything else is a finding.
 *
 * <p>One input goes through all six parsers (each refuses another kind at its header), so a seed
 * of one kind also reaches the shared {@code YamlDocument} and {@code FormatHeader} paths of the
 * others. Seeds are plain YAML files in
 * {@code src/test/resources/dev/baton/master/conflict/SharedDocumentFuzzTestInputs/everyParser/}.
 */
class SharedDocumentFuzzTest {
  private static final List<Function<String, Object>> PARSERS = List.of(
      content -> OpenApiParser.parse("api/openapi.yaml", content),
      content -> ApiUsageParser.parse("web/api-usage.yaml", content),
      content -> DeploymentConfigParser.parse("deploy/api.yaml", content),
      content -> DeploymentStrategyParser.parse("deploy/strategy.yaml", content),
      content -> InfrastructureNeedsParser.parse("infra/needs.yaml", content, "shop"),
      content -> InfrastructureProvisionsParser.parse("infra/provisions.yaml", content));

  @FuzzTest(maxDuration = "10s")
  void everyParser(byte[] input) {
    FuzzContract.within(() -> checkEveryParser(input));
  }

  private static void checkEveryParser(byte[] input) {
    String content = new String(input, StandardCharsets.UTF_8);
    for (Function<String, Object> parser : PARSERS) {
      try {
        assertThat(parser.apply(content)).isNotNull();
      } catch (DocumentException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }
}
