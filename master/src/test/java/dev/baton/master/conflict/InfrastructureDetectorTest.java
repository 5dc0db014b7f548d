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

class InfrastructureDetectorTest {
  private static final String NEEDS = read("infrastructure/needs.yaml");
  private static final String PROVISIONS = read("infrastructure/provisions.yaml");

  private final InfrastructureDetector detector = new InfrastructureDetector();

  private List<CrossOrchestratorConflict> detect(String needs, String provisions) {
    return detector.detect(shared(
        state("backend", doc("infrastructure_needs", "infra/needs.yaml", needs)),
        state("devops", doc("infrastructure_provisions", "infra/provisions.yaml", provisions))));
  }

  @Test
  void cleanPairHasNoConflict() {
    assertThat(detect(NEEDS, PROVISIONS)).isEmpty();
  }

  /** side, find, replace, expected location, a fragment of the description, a fragment of the fix. */
  static Stream<Arguments> seededDefects() {
    return Stream.of(
        Arguments.of("provisions", "  - name: redis\n    version: \"7.2.4\"\n    port: 6379\n", "",
            "service redis", "devops provides no redis", "provision redis >=7.2"),
        Arguments.of("provisions", "version: \"7.2.4\"", "version: \"7.0.15\"",
            "service redis version", "needs redis >=7.2 and devops provides 7.0.15", "provision redis in >=7.2"),
        Arguments.of("needs", "version: \">=15 <17\"", "version: \">=17\"",
            "service postgresql version", "provides 16.2", "provision postgresql in >=17"),
        Arguments.of("provisions", "env: [DATABASE_URL, REDIS_URL, LOG_LEVEL]", "env: [DATABASE_URL, LOG_LEVEL]",
            "env REDIS_URL", "reads REDIS_URL", "provide REDIS_URL to cart-api"),
        Arguments.of("provisions", "port: 6379", "port: 5432",
            "port 5432", "2 owners: postgresql", "give each of postgresql, redis its own port"),
        Arguments.of("provisions", "{port: 8080, owner: storefront}", "{port: 3000, owner: storefront}",
            "port 3000", "cart-api: cart-api listens", "give each of cart-api, storefront its own port"),
        Arguments.of("needs", "    port: 5432\n", "    port: 5433\n",
            "service postgresql port", "on port 5433 and devops provides it on 5432", "reach postgresql on port 5432"),
        Arguments.of("provisions", "cpu: \"2\"", "cpu: 250m",
            "resources cpu", "needs 500m (0.5 cores) of CPU and devops provisions 250m (0.25 cores)", "at least 500m"),
        Arguments.of("provisions", "memory: 4Gi", "memory: 256Mi",
            "resources memory", "needs 512Mi of memory and devops provisions 256Mi", "at least 512Mi"));
  }

  @ParameterizedTest(name = "[{index}] {3}")
  @MethodSource("seededDefects")
  void eachSeededDefectIsFoundOnceAtItsPlace(String side, String find, String replace, String location,
      String description, String fix) {
    List<CrossOrchestratorConflict> conflicts = side.equals("needs")
        ? detect(edit(NEEDS, find, replace), PROVISIONS) : detect(NEEDS, edit(PROVISIONS, find, replace));
    assertThat(conflicts).extracting(CrossOrchestratorConflict::getLocation).containsExactly(location);
    CrossOrchestratorConflict c = conflicts.get(0);
    assertThat(c.getCheck()).isEqualTo("infrastructure");
    assertThat(c.getPartiesList()).containsExactly("backend", "devops");
    assertThat(c.getDescription()).contains(description);
    assertThat(c.getSuggestedFix()).contains(fix);
  }

  @Test
  void badVersionRangeIsADocumentConflictNamingFieldAndForm() {
    List<CrossOrchestratorConflict> conflicts = detect(edit(NEEDS, ">=15 <17", ">=15 <<17"), PROVISIONS);
    assertThat(conflicts).singleElement().satisfies(c -> {
      assertThat(c.getCheck()).isEqualTo("document");
      assertThat(c.getPartiesList()).containsExactly("backend");
      assertThat(c.getLocation()).isEqualTo("infra/needs.yaml: services[0].version");
      assertThat(c.getDescription()).contains("cannot read '<<17'").contains("expected: a version range");
    });
  }

  @Test
  void missingProvisionsIsADocumentConflictNamingDevops() {
    assertThat(detector.detect(shared(state("backend", doc("infrastructure_needs", "infra/needs.yaml", NEEDS)))))
        .singleElement().satisfies(c -> {
          assertThat(c.getCheck()).isEqualTo("document");
          assertThat(c.getPartiesList()).containsExactly("devops");
          assertThat(c.getLocation()).isEqualTo("infrastructure_provisions");
        });
  }

  @Test
  void severalDefectsComeOutSortedByLocation() {
    String provisions = edit(edit(PROVISIONS, "memory: 4Gi", "memory: 256Mi"), "version: \"7.2.4\"", "version: \"6.2\"");
    assertThat(detect(NEEDS, provisions)).extracting(CrossOrchestratorConflict::getLocation)
        .containsExactly("resources memory", "service redis version");
  }
}
