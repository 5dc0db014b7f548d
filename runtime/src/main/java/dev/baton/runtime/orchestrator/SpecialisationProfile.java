package dev.baton.runtime.orchestrator;

import dev.baton.runtime.droid.definition.DroidDefinitions;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a specialisation is, as the seed describes a sub-orchestrator: the static half of its
 * descriptor (the instance id, address and peers are added at run time).
 *
 * @param domain "frontend", "backend", ... ([a-z0-9-]+)
 * @param frameworks frameworks its droids work in (may be empty, e.g. devops has platforms)
 * @param platforms platforms it deploys to (may be empty)
 * @param expertise broad areas ("UI/UX", "API Design")
 * @param domainExpertise finer skills, matched by the master's router
 * @param maxConcurrentTasks tasks one instance runs at once (>= 1)
 * @param droids the built-in droid pool; the first is the generalist that wins ties
 */
public record SpecialisationProfile(
    String domain,
    String name,
    List<String> frameworks,
    List<String> platforms,
    List<String> expertise,
    List<String> domainExpertise,
    int maxConcurrentTasks,
    Complexity complexity,
    DroidDefinitions droids) {

  public SpecialisationProfile {
    Objects.requireNonNull(domain, "domain");
    if (!domain.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException("domain: '" + domain + "' (expected: [a-z0-9-]+)");
    }
    Objects.requireNonNull(name, "name");
    frameworks = List.copyOf(frameworks);
    platforms = List.copyOf(platforms);
    expertise = List.copyOf(expertise);
    domainExpertise = List.copyOf(domainExpertise);
    if (maxConcurrentTasks < 1) {
      throw new IllegalArgumentException("maxConcurrentTasks: " + maxConcurrentTasks + " (expected: >= 1)");
    }
    Objects.requireNonNull(complexity, "complexity");
    Objects.requireNonNull(droids, "droids");
    if (droids.isEmpty()) {
      throw new IllegalArgumentException("droids: [] (expected: at least one droid)");
    }
  }

  public List<String> droidNames() {
    return droids.names();
  }

  /** Each droid's expertise keywords, in the order the droids are listed (ties go to the first). */
  public Map<String, List<String>> expertiseByDroid() {
    return droids.expertiseByDroid();
  }
}
