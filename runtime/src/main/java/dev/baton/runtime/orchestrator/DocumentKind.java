package dev.baton.runtime.orchestrator;

/** Kinds of shared documents that sync points exchange; {@link #wireName()} is SharedDocument.kind. */
public enum DocumentKind {
  API_CONTRACT,
  API_IMPLEMENTATION,
  INFRASTRUCTURE_NEEDS,
  INFRASTRUCTURE_PROVISIONS,
  DEPLOYMENT_CONFIG,
  DEPLOYMENT_STRATEGY,
  TEST_REPORT,
  DELIVERABLE;

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
