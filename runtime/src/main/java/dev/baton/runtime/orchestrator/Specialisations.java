package dev.baton.runtime.orchestrator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/** Finds the specialisations on the class path through {@link ServiceLoader}. */
public final class Specialisations {
  private Specialisations() {}

  /** Every registered specialisation, sorted by domain. */
  public static List<Specialisation> all() {
    List<Specialisation> found = new ArrayList<>();
    ServiceLoader.load(Specialisation.class).forEach(found::add);
    found.sort(Comparator.comparing(Specialisation::domain));
    return List.copyOf(found);
  }

  /**
   * The specialisation of {@code domain}.
   *
   * @throws IllegalArgumentException naming the domains that are available
   */
  public static Specialisation find(String domain) {
    List<Specialisation> all = all();
    for (Specialisation specialisation : all) {
      if (specialisation.domain().equals(domain)) {
        return specialisation;
      }
    }
    List<String> domains = all.stream().map(Specialisation::domain).distinct().toList();
    throw new IllegalArgumentException(
        "unknown domain '" + domain + "' (expected one of: "
            + (domains.isEmpty() ? "none on the class path; add a *-orch module" : String.join(", ", domains))
            + ")");
  }
}
