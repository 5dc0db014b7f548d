package dev.baton.runtime.orchestrator;

import java.util.List;

/** A small specialisation for the runtime's own tests. */
public final class SampleSpecialisation implements Specialisation {
  static final SpecialisationProfile PROFILE = new SpecialisationProfile(
      "sample", "Sample Orchestrator", List.of("JUnit"), List.of(), List.of("Testing the runtime"),
      List.of("Being a fixture"), 2, Complexity.MEDIUM,
      List.of(
          new DroidProfile("generalist", "does anything", List.of("anything")),
          new DroidProfile("api-designer", "designs APIs", List.of("api", "openapi"))));

  private static final DocumentRules RULES = DocumentRules.builder()
      .name(DocumentKind.API_IMPLEMENTATION, "openapi")
      .content(DocumentKind.TEST_REPORT, "<testsuite")
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
