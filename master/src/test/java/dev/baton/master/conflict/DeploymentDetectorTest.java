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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class DeploymentDetectorTest {
  private static final String FRONTEND = read("deployment/frontend-config.yaml");
  private static final String BACKEND = read("deployment/backend-config.yaml");
  private static final String STRATEGY = read("deployment/strategy.yaml");

  private final DeploymentDetector detector = new DeploymentDetector();

  private List<CrossOrchestratorConflict> detect(String frontend, String backend, String strategy) {
    return detector.detect(shared(
        state("frontend", doc("deployment_config", "deploy/web.yaml", frontend)),
        state("backend", doc("deployment_config", "deploy/cart-api.yaml", backend)),
        state("devops", doc("deployment_strategy", "deploy/strategy.yaml", strategy))));
  }

  @Test
  void cleanSetHasNoConflict() {
    assertThat(detect(FRONTEND, BACKEND, STRATEGY)).isEmpty();
  }

  /** find/replace in the strategy, expected location, parties, a fragment of the description and of the fix. */
  static Stream<Arguments> seededDefects() {
    return Stream.of(
        Arguments.of("deployments:\n",
            "deployments:\n  - {name: metrics, image: registry.example.com/shop/metrics:1, namespace: shop, ports: [3000]}\n",
            "namespace shop port 3000", List.of("backend", "devops"), "cart-api (backend's deploy/cart-api.yaml), metrics",
            "give cart-api and metrics distinct ports"),
        Arguments.of("deployments:\n",
            "deployments:\n  - {name: admin, image: registry.example.com/shop/admin:1, ports: [9000], paths: [/api/cart/]}\n",
            "host * path /api/cart", List.of("backend", "devops"), "two deployments are routed", "distinct paths"),
        Arguments.of("healthCheckPath: /health\n", "healthCheckPath: /ready\n",
            "deployment cart-api healthCheckPath", List.of("backend", "devops"),
            "answers health checks on /health and the deployment probes /ready", "probe /health on cart-api"),
        Arguments.of("image: registry.example.com/shop/cart-api:1.4.0", "image: registry.example.com/shop/cart-api:1.3.9",
            "deployment cart-api image", List.of("backend", "devops"), "devops deploys registry.example.com/shop/cart-api:1.3.9",
            "deploy registry.example.com/shop/cart-api:1.4.0"),
        Arguments.of("cart-api:1.4.0\n    namespace: shop", "cart-api:1.4.0\n    namespace: shop-staging",
            "deployment cart-api namespace", List.of("backend", "devops"), "expects namespace shop", "deploy cart-api to shop"),
        Arguments.of("{minAvailable: 2}", "{minAvailable: 3}",
            "deployment cart-api disruptionBudget", List.of("backend", "devops"), "3 replica(s) with minAvailable: 3",
            "set minAvailable to at most 2"),
        Arguments.of("{maxUnavailable: 1}", "{maxUnavailable: 0}",
            "deployment storefront disruptionBudget", List.of("frontend", "devops"), "maxUnavailable: 0",
            "set maxUnavailable to at least 1"),
        Arguments.of("replicas: 3\n    disruptionBudget: {minAvailable: 2}", "replicas: 1\n    disruptionBudget: {minAvailable: 1}",
            "deployment cart-api disruptionBudget", List.of("backend", "devops"), "1 replica(s)", "raise replicas to at least 2"),
        Arguments.of("ports: [3000]", "ports: [3001]",
            "deployment cart-api ports", List.of("backend", "devops"), "listens on [3000] and the deployment exposes [3001]",
            "expose [3000]"),
        Arguments.of("  - name: storefront\n    image: registry.example.com/shop/storefront:2.0.1\n    namespace: shop\n"
                + "    ports: [8080]\n    paths: [/]\n    healthCheckPath: /healthz\n    replicas: 2\n"
                + "    disruptionBudget: {maxUnavailable: 1}\n", "",
            "deployment storefront", List.of("frontend", "devops"), "has no deployment of that name",
            "add a deployment named storefront"));
  }

  @ParameterizedTest(name = "[{index}] {2}")
  @MethodSource("seededDefects")
  void eachSeededDefectIsFoundOnceAtItsPlace(String find, String replace, String location, List<String> parties,
      String description, String fix) {
    List<CrossOrchestratorConflict> conflicts = detect(FRONTEND, BACKEND, edit(STRATEGY, find, replace));
    assertThat(conflicts).extracting(CrossOrchestratorConflict::getLocation).containsExactly(location);
    CrossOrchestratorConflict c = conflicts.get(0);
    assertThat(c.getCheck()).isEqualTo("deployment");
    assertThat(c.getPartiesList()).containsExactlyElementsOf(parties);
    assertThat(c.getDescription()).contains(description);
    assertThat(c.getSuggestedFix()).contains(fix);
  }

  @Test
  void twoServicesOnOnePortOfANamespaceCollideOnceNamingAllSides() {
    String backend = edit(BACKEND, "ports: [3000]", "ports: [8080]");
    String strategy = edit(STRATEGY, "    ports: [3000]\n", "    ports: [8080]\n");
    assertThat(detect(FRONTEND, backend, strategy)).singleElement().satisfies(c -> {
      assertThat(c.getLocation()).isEqualTo("namespace shop port 8080");
      assertThat(c.getPartiesList()).containsExactly("backend", "frontend", "devops");
    });
  }

  @Test
  void configsWithoutAStrategyAreADocumentConflictNamingDevops() {
    assertThat(detector.detect(shared(state("backend", doc("deployment_config", "deploy/cart-api.yaml", BACKEND)))))
        .singleElement().satisfies(c -> {
          assertThat(c.getCheck()).isEqualTo("document");
          assertThat(c.getPartiesList()).containsExactly("devops");
          assertThat(c.getLocation()).isEqualTo("deployment_strategy");
        });
  }

  @ParameterizedTest(name = "{0} with {1} replicas allows {2}")
  @CsvSource({"minAvailable,2,3,1", "minAvailable,3,3,0", "minAvailable,50%,3,1", "minAvailable,100%,4,0",
      "maxUnavailable,0,3,0", "maxUnavailable,1,1,1", "maxUnavailable,25%,4,1", "maxUnavailable,0%,4,0",
      "maxUnavailable,10%,3,1"})
  void disruptionBudgetArithmeticFollowsKubernetes(String field, String value, int replicas, int allowed) {
    assertThat(DeploymentDetector.disruptionsAllowed(new DeploymentDocs.DisruptionBudget(field, value), replicas))
        .isEqualTo(allowed);
  }

  @ParameterizedTest
  @CsvSource({"shop/api:1.0,shop/api:1.0,true", "shop/api,shop/api:1.0,true", "shop/api:1.0,shop/api:1.1,false",
      "shop/api:1.0,shop/web:1.0,false", "reg:5000/shop/api,reg:5000/shop/api:2,true"})
  void imagesCompareByRepositoryAndByTagWhenBothHaveOne(String a, String b, boolean same) {
    assertThat(DeploymentDetector.sameImage(a, b)).isEqualTo(same);
  }
}
