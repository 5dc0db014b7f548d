package dev.baton.orch.backend;

import dev.baton.runtime.orchestrator.Complexity;
import dev.baton.runtime.orchestrator.DocumentKind;
import dev.baton.runtime.orchestrator.DocumentRules;
import dev.baton.runtime.orchestrator.DroidProfile;
import dev.baton.runtime.orchestrator.ProducedDocument;
import dev.baton.runtime.orchestrator.Specialisation;
import dev.baton.runtime.orchestrator.SpecialisationProfile;
import java.util.List;

/**
 * The seed's Backend Development Orchestrator. At sync points it publishes the APIs it implements,
 * the infrastructure it needs (checked against what devops provisions) and its deployment config.
 */
public final class BackendSpecialisation implements Specialisation {
  public static final String DOMAIN = "backend";

  static final SpecialisationProfile PROFILE =
      new SpecialisationProfile(
          DOMAIN,
          "Backend Development Orchestrator",
          List.of("Node.js", "Express", "NestJS", "FastAPI"),
          List.of(),
          List.of("API Design", "Database", "Microservices", "Security"),
          List.of(
              "API architecture",
              "Database design",
              "Authentication/Authorization",
              "Microservices",
              "Message queues",
              "Caching strategies"),
          5,
          Complexity.COMPLEX,
          List.of(
              new DroidProfile("backend-architect",
                  "Designs APIs and services: boundaries, contracts, messaging, caching",
                  List.of("backend", "api", "architecture", "microservice", "service", "rest", "design",
                      "endpoint", "message queue", "event", "caching", "scalability")),
              new DroidProfile("backend-typescript-architect",
                  "Implements services in TypeScript on Node.js",
                  List.of("typescript", "node.js", "node", "express", "nestjs", "javascript",
                      "implementation", "implement", "middleware", "handler")),
              new DroidProfile("database-admin",
                  "Designs schemas, migrations, indexes and data stores",
                  List.of("database", "schema", "postgresql", "postgres", "sql", "migration", "index",
                      "query", "redis", "data model", "replication", "backup")),
              new DroidProfile("security-auditor",
                  "Secures auth, secrets and payment flows; audits for vulnerabilities",
                  List.of("security", "authentication", "authorization", "auth", "jwt", "oauth",
                      "vulnerability", "audit", "encryption", "owasp", "secrets", "pci")),
              new DroidProfile("api-documenter",
                  "Writes OpenAPI documents, API references and SDK docs",
                  List.of("openapi", "swagger", "documentation", "api reference", "docs", "sdk",
                      "changelog"))));

  private static final DocumentRules RULES =
      DocumentRules.builder()
          // The format headers of docs/shared-documents.md win over file names.
          .content(DocumentKind.INFRASTRUCTURE_NEEDS, "kind: infrastructureneeds")
          .content(DocumentKind.DEPLOYMENT_CONFIG, "kind: deploymentconfig")
          .name(DocumentKind.INFRASTRUCTURE_NEEDS, "infra-needs", "infrastructure-needs", "infrastructure_needs",
              "infra_needs", "needs", "resources", "capacity")
          .name(DocumentKind.DEPLOYMENT_CONFIG, "dockerfile", "docker-compose", "deploy", "helm", "k8s",
              "manifest", "procfile", ".env")
          .name(DocumentKind.API_IMPLEMENTATION, "openapi", "swagger", "api", ".graphql", ".proto", "routes",
              "endpoints")
          .content(DocumentKind.API_IMPLEMENTATION, "openapi:", "\"openapi\"", "swagger:")
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
