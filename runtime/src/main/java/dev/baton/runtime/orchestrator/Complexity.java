package dev.baton.runtime.orchestrator;

/** The seed's complexity_level of a specialisation. */
public enum Complexity {
  SIMPLE,
  MEDIUM,
  COMPLEX
}
