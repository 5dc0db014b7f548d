package dev.baton.orch.devops;

import dev.baton.runtime.orchestrator.Complexity;
import dev.baton.runtime.orchestrator.DocumentKind;
import dev.baton.runtime.orchestrator.DocumentRules;
import dev.baton.runtime.orchestrator.DroidProfile;
import dev.baton.runtime.orchestrator.ProducedDocument;
import dev.baton.runtime.orchestrator.Specialisation;
import dev.baton.runtime.orchestrator.SpecialisationProfile;
import java.util.List;

/**
 * The seed's DevOps & Infrastructure Orchestrator. It has platforms instead of frameworks. At sync
 * points it publishes the infrastructure it provisions (checked against the backend's needs) and
 * its deployment strategy.
 */
public final class DevOpsSpecialisation implements Specialisation {
  public static final String DOMAIN = "devops";

  static final SpecialisationProfile PROFILE =
      new SpecialisationProfile(
          DOMAIN,
          "DevOps & Infrastructure Orchestrator",
          List.of(),
          List.of("AWS", "GCP", "Azure", "Kubernetes"),
          List.of("CI/CD", "Infrastructure", "Monitoring", "Deployment"),
          List.of(
              "CI/CD pipelines",
              "Infrastructure as Code",
              "Container orchestration",
              "Monitoring and alerting",
              "Security hardening",
              "Disaster recovery"),
          4,
          Complexity.COMPLEX,
          List.of(
              new DroidProfile("devops-specialist",
                  "Builds CI/CD pipelines, monitoring and alerting",
                  List.of("devops", "ci", "cd", "pipeline", "github actions", "jenkins", "build",
                      "automation", "monitoring", "alerting", "logging", "prometheus", "grafana", "hardening")),
              new DroidProfile("deployment-specialist",
                  "Ships releases: rollouts, rollbacks, Helm charts and manifests",
                  List.of("deployment", "deploy", "release", "rollout", "blue green", "canary", "helm",
                      "rollback", "kubernetes", "manifest")),
              new DroidProfile("cloud-architect",
                  "Designs cloud topology, networking, scaling and disaster recovery",
                  List.of("aws", "gcp", "azure", "cloud", "network", "vpc", "cluster", "architecture",
                      "disaster recovery", "scaling", "cost", "cdn")),
              new DroidProfile("terraform-specialist",
                  "Writes infrastructure as code and provisions resources",
                  List.of("terraform", "infrastructure as code", "iac", "provision", "provisioning",
                      "infrastructure", "module", "database instance"))));

  private static final DocumentRules RULES =
      DocumentRules.builder()
          // The format headers of docs/shared-documents.md win over file names.
          .content(DocumentKind.INFRASTRUCTURE_PROVISIONS, "kind: infrastructureprovisions")
          .content(DocumentKind.DEPLOYMENT_STRATEGY, "kind: deploymentstrategy")
          .name(DocumentKind.DEPLOYMENT_STRATEGY, "deploy", "rollout", "release", "pipeline", "workflow",
              ".github", "jenkinsfile", "gitlab-ci", "argocd", "canary", "strategy")
          .name(DocumentKind.INFRASTRUCTURE_PROVISIONS, ".tf", "terraform", "infra", "provision", "k8s",
              "kubernetes", "cluster", "helm", "network", "vpc", "cloudformation", "pulumi", "monitoring")
          .build();

  @Override
  public SpecialisationProfile profile() {
    return PROFILE;
  }

  @Override
  public DocumentKind classify(ProducedDocument document) {
    return RULES.classify(document);
  }
}
