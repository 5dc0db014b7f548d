package dev.baton.master.conflict;

import static dev.baton.master.conflict.Docs.doc;
import static dev.baton.master.conflict.Docs.edit;
import static dev.baton.master.conflict.Docs.read;
import static dev.baton.master.conflict.Docs.shared;
import static dev.baton.master.conflict.Docs.state;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.v1.CrossOrchestratorConflict;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ApiContractDetectorTest {
  private static final String PROVIDER = read("api/provider.yaml");
  private static final String CONSUMER = read("api/consumer-openapi.yaml");
  private static final String USAGE = read("api/consumer-usage.yaml");

  private final ApiContractDetector detector = new ApiContractDetector();

  private List<CrossOrchestratorConflict> detect(String consumer, String provider) {
    return detector.detect(shared(
        state("frontend", doc("api_contract", "api/client.yaml", consumer)),
        state("backend", doc("api_implementation", "api/openapi.yaml", provider))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"api/consumer-openapi.yaml", "api/consumer-usage.yaml"})
  void cleanPairHasNoConflict(String consumer) {
    assertThat(detect(read(consumer), PROVIDER)).isEmpty();
  }

  /** side, find, replace, expected location, a fragment of the description, a fragment of the fix. */
  static Stream<Arguments> seededDefects() {
    return Stream.of(
        Arguments.of("provider", "  /products:\n", "  /catalog:\n",
            "GET /products", "has no such path", "backend: implement GET /products"),
        Arguments.of("provider", "  /carts/{id}/items:\n    post:", "  /carts/{id}/items:\n    put:",
            "POST /carts/{cartId}/items", "serves /carts/{id}/items only with PUT", "call /carts/{id}/items with PUT"),
        Arguments.of("provider", "        sku: {type: string}\n        quantity: {type: integer, format: int32}\n        price:",
            "        quantity: {type: integer, format: int32}\n        price:",
            "GET /carts/{cartId} response 200 field items[].sku", "has no items[].sku", "return items[].sku"),
        Arguments.of("provider", "            total: {$ref: '#/components/schemas/Money'}\n", "",
            "GET /carts/{cartId} response 200 field total", "reads total from the 200 response", "return total in the 200"),
        Arguments.of("provider", "        quantity: {type: integer, format: int32}\n        price:",
            "        quantity: {type: string}\n        price:",
            "GET /carts/{cartId} response 200 field items[].quantity", "backend returns string", "read it as string"),
        Arguments.of("provider", "updatedAt: {type: string, format: date-time}", "updatedAt: {type: string, format: date}",
            "GET /carts/{cartId} response 200 field updatedAt", "format differs", "string (date)"),
        Arguments.of("provider", "required: [sku, quantity]", "required: [sku, quantity, note]",
            "POST /carts/{cartId}/items request field note", "requires note", "frontend: send note"),
        Arguments.of("provider", "      security: []\n", "      security: [{bearerAuth: []}]\n",
            "GET /products security", "with no auth and backend requires bearer", "authenticate with bearer"),
        Arguments.of("consumer", "quantity: {type: integer, format: int32}", "quantity: {type: string}",
            "POST /carts/{cartId}/items request field quantity", "sends quantity as string", "send it as integer"),
        Arguments.of("consumer", "        \"201\":\n          description: added", "        \"200\":\n          description: added",
            "POST /carts/{cartId}/items response 200", "declares only 201", "declare the 200 response"),
        Arguments.of("consumer", "security:\n  - jwt: []\n", "security:\n  - key: []\n",
            "GET /carts/{cartId} security", "bearer", "authenticate with bearer"));
  }

  @ParameterizedTest(name = "[{index}] {3}")
  @MethodSource("seededDefects")
  void eachSeededDefectIsFoundOnceAtItsPlace(String side, String find, String replace, String location,
      String description, String fix) {
    String consumer = CONSUMER;
    String provider = PROVIDER;
    if (side.equals("provider")) {
      provider = edit(provider, find, replace);
    } else {
      consumer = edit(consumer, find, replace);
      if (find.startsWith("security")) {
        consumer = edit(consumer, "    jwt: {type: http, scheme: bearer}", "    key: {type: apiKey, in: header, name: X-Key}");
      }
    }
    List<CrossOrchestratorConflict> conflicts = detect(consumer, provider);
    if (location.equals("GET /carts/{cartId} security")) {
      // The consumer's global security changed: each secured call it makes is reported.
      assertThat(conflicts).extracting(CrossOrchestratorConflict::getLocation)
          .containsExactly("GET /carts/{cartId} security", "POST /carts/{cartId}/items security");
    } else {
      assertThat(conflicts).extracting(CrossOrchestratorConflict::getLocation).containsExactly(location);
    }
    CrossOrchestratorConflict c = conflicts.get(0);
    assertThat(c.getCheck()).isEqualTo("api_contract");
    assertThat(c.getPartiesList()).containsExactly("frontend", "backend");
    assertThat(c.getDescription()).contains(description);
    assertThat(c.getSuggestedFix()).contains(fix);
  }

  @Test
  void usageFormatFindsTypeMismatchAndAbsentNestedField() {
    String usage = edit(edit(USAGE, "items[].sku: string", "items[].sku: integer"),
        "total.amount: number:double", "total.grandTotal: number");
    assertThat(detect(usage, PROVIDER)).extracting(CrossOrchestratorConflict::getLocation).containsExactly(
        "GET /carts/{cartId} response 200 field items[].sku",
        "GET /carts/{cartId} response 200 field total.grandTotal");
  }

  @Test
  void recursiveSchemaIsFollowedWithoutLoopingAndWithoutFalseAbsence() {
    String usage = edit(USAGE, "\"[].category.parent.name\": string",
        "\"[].category.parent.parent.parent.name\": string");
    assertThat(detect(usage, PROVIDER)).isEmpty();
  }

  @Test
  void missingProviderDocumentIsADocumentConflictNamingBackend() {
    List<CrossOrchestratorConflict> conflicts =
        detector.detect(shared(state("frontend", doc("api_contract", "api/client.yaml", CONSUMER))));
    assertThat(conflicts).singleElement().satisfies(c -> {
      assertThat(c.getCheck()).isEqualTo("document");
      assertThat(c.getPartiesList()).containsExactly("backend");
      assertThat(c.getLocation()).isEqualTo("api_implementation");
      assertThat(c.getSuggestedFix()).contains("publish the api_implementation");
    });
  }

  @Test
  void neitherSidePublishedMeansNothingToCompare() {
    assertThat(detector.detect(shared(state("frontend"), state("backend")))).isEmpty();
  }

  @Test
  void unreadableProviderIsADocumentConflictAndNoComparisonRuns() {
    List<CrossOrchestratorConflict> conflicts = detect(CONSUMER, "swagger: '2.0'\ninfo: {title: x, version: 1}\n");
    assertThat(conflicts).singleElement().satisfies(c -> {
      assertThat(c.getCheck()).isEqualTo("document");
      assertThat(c.getPartiesList()).containsExactly("backend");
      assertThat(c.getLocation()).isEqualTo("api/openapi.yaml");
      assertThat(c.getDescription()).contains("not an OpenAPI 3 document");
    });
  }

  @Test
  void danglingRefNamesTheOperationAndField() {
    String provider = edit(PROVIDER, "price: {$ref: '#/components/schemas/Money'}\n    Timestamps",
        "price: {$ref: '#/components/schemas/Cash'}\n    Timestamps");
    assertThat(detect(CONSUMER, provider)).singleElement().satisfies(c -> {
      assertThat(c.getCheck()).isEqualTo("document");
      assertThat(c.getLocation()).startsWith("api/openapi.yaml: ").endsWith("field items[].price");
      assertThat(c.getDescription()).contains("'#/components/schemas/Cash' names no schema");
    });
  }

  @Test
  void duplicateDocumentsFromTwoInstancesCountOnce() {
    String provider = edit(PROVIDER, "  /products:\n", "  /catalog:\n");
    List<CrossOrchestratorConflict> conflicts = detector.detect(SharedDocuments.of(List.of(
        state("frontend", doc("api_contract", "api/client.yaml", CONSUMER)),
        state("backend", doc("api_implementation", "api/openapi.yaml", provider)),
        state("backend", doc("api_implementation", "api/openapi.yaml", provider)).toBuilder()
            .setInstanceId("backend-2").build())));
    assertThat(conflicts).hasSize(1);
  }
}
