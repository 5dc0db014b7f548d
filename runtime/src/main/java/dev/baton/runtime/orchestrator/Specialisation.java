package dev.baton.runtime.orchestrator;

/**
 * A kind of sub-orchestrator (frontend, backend, devops, testing...). Each *-orch module ships one as
 * data ({@link ResourceSpecialisation}, found by {@link Specialisations}), and everything else it
 * needs comes from the runtime: a new domain is a profile, droid definitions and a classification,
 * not a new server.
 */
public interface Specialisation {
  /** The static descriptor: domain, frameworks, expertise, capacity, droids. */
  SpecialisationProfile profile();

  /**
   * Which kind of shared document a finished task's deliverable is, for the sync points (an API
   * contract the frontend expects, the API the backend implements, the infrastructure devops
   * provisions...). Unknown documents are {@link DocumentKind#DELIVERABLE}.
   */
  DocumentKind classify(ProducedDocument document);

  default String domain() {
    return profile().domain();
  }
}
