package dev.baton.master.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The parsers' errors name the document, the field and the expected form; units and ranges are exact. */
class FormatParsersTest {

  @ParameterizedTest(name = "{0} contains {1}: {2}")
  @CsvSource(delimiter = ';', value = {
      ">=15 <17;16.2;true", ">=15 <17;17.0;false", ">=15 <17;14.9.9;false", ">=15, <17;15;true",
      ">=7.2;7.2.0;true", ">=7.2;7.1.9;false", "7.x;7.9.1;true", "7.x;8.0;false", "=7;7.4;true",
      "^16.1;16.9;true", "^16.1;17.0;false", "~1.2;1.2.9;true", "~1.2;1.3.0;false", ">7;7.9;false", ">7;8.0.0;true",
      "<=7.2;7.2.9;true", "<=7.2;7.3;false", "*;0.0.1;true", "<14 || >=16;15.1;false", "<14 || >=16;16.0.0;true",
      ">= 15 < 17;16;true", "1.2.3;1.2.3;true", "1.2.3;1.2.4;false"})
  void versionRangesFollowTheGrammar(String range, String version, boolean contains) {
    assertThat(VersionRange.parse(range).contains(VersionRange.Version.parse(version).orElseThrow()))
        .isEqualTo(contains);
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {">=15 <<17;cannot read '<<17'", "||7;empty alternative", "latest;cannot read 'latest'",
      "'  ';empty range"})
  void badVersionRangesSayWhatIsWrong(String range, String message) {
    assertThatThrownBy(() -> VersionRange.parse(range)).hasMessageContaining(message)
        .hasMessageContaining("expected: a version range");
  }

  @Test
  void providedVersionsIgnoreSuffixesAndPadMissingParts() {
    assertThat(VersionRange.Version.parse("7.2.4-alpine")).contains(new VersionRange.Version(7, 2, 4));
    assertThat(VersionRange.Version.parse("v16")).contains(new VersionRange.Version(16, 0, 0));
    assertThat(VersionRange.Version.parse("latest")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"500m,500", "2,2000", "0.5,500", "1.25,1250", "100m,100"})
  void cpuReadsAsMillicores(String text, long millis) {
    assertThat(Quantity.cpuMillis(text)).isEqualTo(millis);
  }

  @ParameterizedTest
  @CsvSource({"512Mi,536870912", "1Gi,1073741824", "1G,1000000000", "1500M,1500000000", "2048,2048", "1.5Gi,1610612736",
      "64Ki,65536"})
  void memoryReadsAsBytes(String text, long bytes) {
    assertThat(Quantity.memoryBytes(text)).isEqualTo(bytes);
  }

  @Test
  void badQuantitiesNameTheExpectedForm() {
    assertThatThrownBy(() -> Quantity.cpuMillis("2 cores")).hasMessageContaining("expected: CPU cores such as '500m'");
    assertThatThrownBy(() -> Quantity.cpuMillis("0.0005")).hasMessageContaining("finer than a millicore");
    assertThatThrownBy(() -> Quantity.memoryBytes("512MB")).hasMessageContaining("expected: memory such as '512Mi'");
  }

  @Test
  void unknownFieldIsRefusedWithTheKnownOnes() {
    assertThatThrownBy(() -> InfrastructureNeedsParser.parse("needs.yaml", "services: []\nenvs: [A]\n", "backend"))
        .isInstanceOf(DocumentException.class)
        .hasMessage("needs.yaml: envs: unknown field (expected one of: apiVersion, env, kind, name, ports, resources, services)");
  }

  @Test
  void wrongKindHeaderIsRefused() {
    assertThatThrownBy(() -> InfrastructureProvisionsParser.parse("p.yaml", "kind: InfrastructureNeeds\n"))
        .hasMessage("p.yaml: kind: 'InfrastructureNeeds' (expected: InfrastructureProvisions for this document)");
  }

  @Test
  void errorsNameTheFieldPath() {
    assertThatThrownBy(() -> InfrastructureNeedsParser.parse("needs.yaml",
        "services:\n  - name: redis\n    port: 70000\n", "backend"))
        .hasMessage("needs.yaml: services[0].port: '70000' (expected: a port in 1..65535)");
    assertThatThrownBy(() -> InfrastructureNeedsParser.parse("needs.yaml", "resources: {cpu: 1, memory: 2GB}\n", "backend"))
        .hasMessageStartingWith("needs.yaml: resources.memory: '2GB' (expected: memory such as");
    assertThatThrownBy(() -> InfrastructureProvisionsParser.parse("p.yaml", "services:\n  - name: redis\n    version: seven\n"))
        .hasMessageStartingWith("p.yaml: services[0].version: 'seven' (expected: a version such as");
    assertThatThrownBy(() -> InfrastructureProvisionsParser.parse("p.yaml", "env: [DATABASE-URL]\n"))
        .hasMessageStartingWith("p.yaml: env[0]: 'DATABASE-URL' (expected: an environment variable name");
  }

  @Test
  void notYamlOrNotAMappingIsRefused() {
    assertThatThrownBy(() -> DeploymentConfigParser.parse("d.yaml", "service: [unclosed\n"))
        .hasMessageContaining("d.yaml: not valid YAML");
    assertThatThrownBy(() -> DeploymentConfigParser.parse("d.yaml", "- a\n- b\n"))
        .hasMessageContaining("d.yaml: the document is a list, not a mapping");
    assertThatThrownBy(() -> DeploymentConfigParser.parse("d.yaml", ""))
        .hasMessageContaining("d.yaml: the document is empty");
    assertThatThrownBy(() -> DeploymentConfigParser.parse("d.yaml", "service: a\nservice: b\n"))
        .hasMessageContaining("Duplicate field 'service'");
  }

  @Test
  void deploymentStrategyChecksItsBudgetAndNames() {
    assertThatThrownBy(() -> DeploymentStrategyParser.parse("s.yaml",
        "deployments:\n  - {name: a, image: x/a:1, disruptionBudget: {minAvailable: 1, maxUnavailable: 1}}\n"))
        .hasMessageStartingWith("s.yaml: deployments[0].disruptionBudget: set exactly one of minAvailable and maxUnavailable");
    assertThatThrownBy(() -> DeploymentStrategyParser.parse("s.yaml",
        "deployments:\n  - {name: a, image: x/a:1, disruptionBudget: {minAvailable: half}}\n"))
        .hasMessageStartingWith("s.yaml: deployments[0].disruptionBudget.minAvailable: 'half' (expected: an integer >= 0");
    assertThatThrownBy(() -> DeploymentStrategyParser.parse("s.yaml",
        "deployments:\n  - {name: a, image: x/a:1}\n  - {name: a, image: x/a:2}\n"))
        .hasMessage("s.yaml: deployments[1].name: 'a' is listed twice (expected: unique deployment names)");
    assertThatThrownBy(() -> DeploymentStrategyParser.parse("s.yaml", "deployments:\n  - {name: a}\n"))
        .hasMessageStartingWith("s.yaml: deployments[0].image: missing (expected: an image reference");
  }

  @Test
  void apiUsageErrorsNameOperationAndField() {
    assertThatThrownBy(() -> ApiUsageParser.parse("u.yaml", "operations:\n  - operation: FETCH /carts\n"))
        .hasMessage("u.yaml: operations[0].operation: 'FETCH /carts' (expected: 'METHOD /path', such as 'GET /carts/{cartId}')");
    assertThatThrownBy(() -> ApiUsageParser.parse("u.yaml",
        "operations:\n  - operation: GET /carts\n    reads:\n      \"200\": {total: money}\n"))
        .hasMessageStartingWith("u.yaml: operations[0].reads.200.total: 'money' (expected: a type");
    assertThatThrownBy(() -> ApiUsageParser.parse("u.yaml",
        "operations:\n  - operation: GET /carts\n    reads:\n      \"20\": {total: number}\n"))
        .hasMessageStartingWith("u.yaml: operations[0].reads.20: not a status");
    assertThatThrownBy(() -> ApiUsageParser.parse("u.yaml", "auth: [jwt]\noperations:\n  - operation: GET /carts\n"))
        .hasMessageStartingWith("u.yaml: auth[0]: 'jwt' (expected: auth schemes: bearer");
  }

  @Test
  void openApiParserReadsTheYamlWithTheBoundedReaderFirst() {
    // Found by SharedDocumentFuzzTest: malformed YAML reached swagger-parser, which logged a stack
    // trace at ERROR for each; deep nesting and alias bombs had no bound there.
    assertThatThrownBy(() -> OpenApiParser.parse("o.yaml", "openapi: 3.0.3\npaths: {/a: [unclosed\n"))
        .isInstanceOf(DocumentException.class)
        .hasMessageStartingWith("o.yaml: not valid YAML")
        .hasMessageContaining("(expected: an OpenAPI 3 document");
    assertThatThrownBy(() -> OpenApiParser.parse("o.yaml", "openapi: 3.0.3\nx: " + "[".repeat(100) + "]".repeat(100)))
        .isInstanceOf(DocumentException.class)
        .hasMessageContaining("o.yaml: not valid YAML");
  }

  @Test
  void openApiParserRefusesExternalReferences() {
    String doc = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n"
        + "        '200':\n          description: ok\n          content:\n            application/json:\n"
        + "              schema: {$ref: 'http://example.invalid/schemas.yaml#/Cart'}\n";
    assertThatThrownBy(() -> OpenApiParser.parse("o.yaml", doc))
        .hasMessageContaining("o.yaml: GET /a response 200: $ref 'http://example.invalid/schemas.yaml#/Cart'")
        .hasMessageContaining("other documents are not fetched");
  }

  @Test
  void pathTemplatesMatchWhateverTheParameterNames() {
    assertThat(ApiSurface.normalize("/carts/{id}/items/")).isEqualTo(ApiSurface.normalize("/carts/{cartId}/items"));
    assertThat(ApiSurface.normalize("/carts/{id}")).isNotEqualTo(ApiSurface.normalize("/cart/{id}"));
  }
}
