package dev.baton.orch.testing;

import dev.baton.runtime.orchestrator.Complexity;
import dev.baton.runtime.orchestrator.DocumentKind;
import dev.baton.runtime.orchestrator.DocumentRules;
import dev.baton.runtime.orchestrator.DroidProfile;
import dev.baton.runtime.orchestrator.ProducedDocument;
import dev.baton.runtime.orchestrator.Specialisation;
import dev.baton.runtime.orchestrator.SpecialisationProfile;
import java.util.List;

/**
 * The testing orchestrator, which the seed names but never defines; shaped like the other three.
 * At sync points it publishes its test reports.
 */
public final class TestingSpecialisation implements Specialisation {
  public static final String DOMAIN = "testing";

  static final SpecialisationProfile PROFILE =
      new SpecialisationProfile(
          DOMAIN,
          "Testing & Quality Orchestrator",
          List.of("JUnit", "Playwright", "k6", "Pact"),
          List.of(),
          List.of("API Integration Testing", "End-to-End Testing", "Performance Testing", "Security Testing"),
          List.of(
              "Test automation",
              "API contract testing",
              "End-to-end testing",
              "Load and performance testing",
              "Security testing",
              "Test reporting"),
          4,
          Complexity.COMPLEX,
          List.of(
              new DroidProfile("test-automator",
                  "Automates unit, integration and API contract tests",
                  List.of("test", "unit", "integration", "api", "junit", "pact", "contract", "automation",
                      "regression", "coverage")),
              new DroidProfile("e2e-tester",
                  "Tests user journeys end to end in a browser",
                  List.of("e2e", "end to end", "playwright", "browser", "user journey", "flow", "scenario",
                      "checkout", "ui")),
              new DroidProfile("performance-tester",
                  "Load, stress and soak tests against latency budgets",
                  List.of("load", "performance", "k6", "stress", "latency", "throughput", "benchmark",
                      "soak", "p99")),
              new DroidProfile("security-tester",
                  "Probes for vulnerabilities: OWASP checks, fuzzing, auth bypass",
                  List.of("security", "penetration", "pentest", "owasp", "vulnerability", "zap", "fuzz",
                      "injection", "xss", "csrf"))));

  private static final DocumentRules RULES =
      DocumentRules.builder()
          .name(DocumentKind.TEST_REPORT, "report", "results", "junit", "coverage", "surefire", "summary")
          .content(DocumentKind.TEST_REPORT, "<testsuite", "tests passed", "tests run:")
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
