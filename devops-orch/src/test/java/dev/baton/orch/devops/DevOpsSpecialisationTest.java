package dev.baton.orch.devops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.runtime.droid.definition.DroidDefinition;
import dev.baton.runtime.execution.DroidSelector;
import dev.baton.runtime.orchestrator.Complexity;
import dev.baton.runtime.orchestrator.DocumentKind;
import dev.baton.runtime.orchestrator.ProducedDocument;
import dev.baton.runtime.orchestrator.ResourceSpecialisation;
import dev.baton.runtime.orchestrator.Specialisation;
import dev.baton.runtime.orchestrator.SpecialisationProfile;
import dev.baton.runtime.orchestrator.Specialisations;
import dev.baton.v1.DelegationPackage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The devops specialisation as its resources define it: descriptor, droids, classification. */
class DevOpsSpecialisationTest {
  private final Specialisation specialisation = Specialisations.find("devops");

  @Test
  void loadsFromItsResourcesWithTheSeedsDescriptor() {
    SpecialisationProfile profile = specialisation.profile();

    assertThat(specialisation).isInstanceOf(ResourceSpecialisation.class);
    assertThat(Specialisations.all()).hasSize(1);
    assertThat(profile.domain()).isEqualTo("devops");
    assertThat(profile.name()).isEqualTo("DevOps & Infrastructure Orchestrator");
    assertThat(profile.frameworks()).isEmpty();
    assertThat(profile.platforms()).containsExactly("AWS", "GCP", "Azure", "Kubernetes");
    assertThat(profile.expertise()).containsExactly("CI/CD", "Infrastructure", "Monitoring", "Deployment");
    assertThat(profile.domainExpertise()).containsExactly("CI/CD pipelines", "Infrastructure as Code",
        "Container orchestration", "Monitoring and alerting", "Security hardening", "Disaster recovery");
    assertThat(profile.maxConcurrentTasks()).isEqualTo(4);
    assertThat(profile.complexity()).isEqualTo(Complexity.COMPLEX);
    assertThat(profile.droids().list()).extracting(DroidDefinition::name).containsExactly("devops-specialist",
        "deployment-specialist", "cloud-architect", "terraform-specialist");
    assertThat(profile.droids().list()).allSatisfy(d -> assertThat(d.expertise()).isNotEmpty());
  }

  @Test
  void shipsEveryDroidAsAFactoryDefinitionWithARealPrompt() {
    assertThat(specialisation.profile().droids().list()).allSatisfy(d -> {
      assertThat(d.format()).isEqualTo(DroidDefinition.Format.FACTORY);
      assertThat(d.source()).isEqualTo("builtin:devops/" + d.name() + ".md");
      assertThat(d.description()).isNotBlank();
      assertThat(d.model()).isEqualTo("inherit");
      // A few paragraphs: what it does, how it works in the repository, what it leaves behind.
      assertThat(d.systemPrompt().split("\\n\\s*\\n")).hasSizeGreaterThanOrEqualTo(3);
      assertThat(d.systemPrompt()).contains("worktree").contains("Leave behind");
    });
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "CI/CD pipeline with GitHub Actions          | devops-specialist",
    "Monitoring and alerting with Prometheus     | devops-specialist",
    "Canary rollout of the release               | deployment-specialist",
    "AWS VPC and cluster topology                | cloud-architect",
    "Terraform modules to provision Postgres     | terraform-specialist",
  })
  void picksTheDroidWhoseExpertiseFitsTheTask(String description, String droid) {
    assertThat(new DroidSelector(specialisation.profile().droids()).select(DelegationPackage.newBuilder().setTaskDescription(description).build()))
        .isEqualTo(droid);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "infra/main.tf             | INFRASTRUCTURE_PROVISIONS",
    "k8s/cluster.yaml          | INFRASTRUCTURE_PROVISIONS",
    "k8s/deployment.yaml       | DEPLOYMENT_STRATEGY",
    ".github/workflows/ci.yml  | DEPLOYMENT_STRATEGY",
    "runbook.md                | DELIVERABLE",
  })
  void classifiesItsDocumentsForSyncPoints(String name, DocumentKind kind) {
    assertThat(specialisation.classify(new ProducedDocument("t", name, "text/plain", ""))).isEqualTo(kind);
  }
}
