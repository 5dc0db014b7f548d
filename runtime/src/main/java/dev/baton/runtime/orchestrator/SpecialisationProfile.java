package dev.baton.runtime.orchestrator;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
 * @param droids the droid pool; the first is the generalist that wins ties
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
    List<DroidProfile> droids) {

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
    droids = List.copyOf(droids);
    if (droids.isEmpty()) {
      throw new IllegalArgumentException("droids: [] (expected: at least one droid)");
    }
    Set<String> names = new HashSet<>();
    for (DroidProfile droid : droids) {
      if (!names.add(droid.name())) {
        throw new IllegalArgumentException("droids: '" + droid.name() + "' twice (expected: unique names)");
      }
    }
  }

  public List<String> droidNames() {
    return droids.stream().map(DroidProfile::name).toList();
  }

  /** Each droid's expertise keywords, in the order the droids are listed (ties go to the first). */
  public Map<String, List<String>> expertiseByDroid() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    droids.forEach(d -> out.put(d.name(), d.expertise()));
    return out;
  }
}
