package dev.baton.orch.devops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.runtime.execution.DroidSelector;
import dev.baton.runtime.orchestrator.Complexity;
import dev.baton.runtime.orchestrator.DocumentKind;
import dev.baton.runtime.orchestrator.DroidProfile;
import dev.baton.runtime.orchestrator.ProducedDocument;
import dev.baton.runtime.orchestrator.Specialisation;
import dev.baton.runtime.orchestrator.SpecialisationProfile;
import dev.baton.runtime.orchestrator.Specialisations;
import dev.baton.v1.DelegationPackage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DevOpsSpecialisationTest {
  private final Specialisation specialisation = Specialisations.find("devops");

  @Test
  void loadsThroughServiceLoaderWithTheSeedsDescriptor() {
    SpecialisationProfile profile = specialisation.profile();

    assertThat(specialisation).isInstanceOf(DevOpsSpecialisation.class);
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
    assertThat(profile.droids()).extracting(DroidProfile::name).containsExactly("devops-specialist",
        "deployment-specialist", "cloud-architect", "terraform-specialist");
    assertThat(profile.droids()).allSatisfy(d -> assertThat(d.expertise()).isNotEmpty());
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
    assertThat(new DroidSelector(specialisation.profile().expertiseByDroid()).select(DelegationPackage.newBuilder().setTaskDescription(description).build()))
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
