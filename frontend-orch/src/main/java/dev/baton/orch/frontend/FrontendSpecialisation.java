package dev.baton.orch.frontend;

import dev.baton.runtime.orchestrator.Complexity;
import dev.baton.runtime.orchestrator.DocumentKind;
import dev.baton.runtime.orchestrator.DocumentRules;
import dev.baton.runtime.orchestrator.DroidProfile;
import dev.baton.runtime.orchestrator.ProducedDocument;
import dev.baton.runtime.orchestrator.Specialisation;
import dev.baton.runtime.orchestrator.SpecialisationProfile;
import java.util.List;

/**
 * The seed's Frontend Development Orchestrator. At sync points it publishes the API contracts its
 * UI expects (to be checked against the backend's implementation) and its deployment config.
 */
public final class FrontendSpecialisation implements Specialisation {
  public static final String DOMAIN = "frontend";

  static final SpecialisationProfile PROFILE =
      new SpecialisationProfile(
          DOMAIN,
          "Frontend Development Orchestrator",
          List.of("React", "Next.js", "Vue", "Angular"),
          List.of(),
          List.of("UI/UX", "Performance", "Accessibility", "State Management"),
          List.of(
              "Component architecture",
              "State management",
              "CSS/Styling",
              "Performance optimization",
              "Accessibility compliance",
              "Responsive design"),
          5,
          Complexity.COMPLEX,
          List.of(
              new DroidProfile("frontend-developer",
                  "Builds components, pages and client-side state",
                  List.of("frontend", "component", "react", "next.js", "vue", "angular", "page", "form",
                      "routing", "state management", "hooks", "client", "typescript", "integration")),
              new DroidProfile("ui-ux-designer",
                  "Designs flows, layouts and the design system; owns accessibility",
                  List.of("ui design", "ux", "design system", "wireframe", "mockup", "layout", "typography",
                      "style guide", "accessibility", "wcag", "responsive design", "css", "styling", "figma")),
              new DroidProfile("performance-engineer",
                  "Makes pages fast: bundles, rendering, caching, web vitals",
                  List.of("performance", "lighthouse", "bundle", "lazy loading", "web vitals",
                      "optimization", "render", "ssr", "latency", "caching")),
              new DroidProfile("mobile-developer",
                  "Builds mobile and progressive web apps",
                  List.of("mobile", "react native", "ios", "android", "pwa", "touch", "offline", "app store"))));

  private static final DocumentRules RULES =
      DocumentRules.builder()
          // The format headers of docs/shared-documents.md win over file names.
          .content(DocumentKind.API_CONTRACT, "kind: apiusage")
          .content(DocumentKind.DEPLOYMENT_CONFIG, "kind: deploymentconfig")
          .name(DocumentKind.API_CONTRACT, "openapi", "swagger", "api-contract", "api_contract", "api/",
              "api-client", ".graphql", "contract")
          .content(DocumentKind.API_CONTRACT, "openapi:", "\"openapi\"", "swagger:")
          .name(DocumentKind.DEPLOYMENT_CONFIG, "dockerfile", "deploy", "next.config", "vercel", "netlify",
              "nginx", ".env", "helm", "k8s")
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
