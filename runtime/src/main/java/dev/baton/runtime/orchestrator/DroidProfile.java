package dev.baton.runtime.orchestrator;

import java.util.List;
import java.util.Objects;

/**
 * A droid of a specialisation.
 *
 * @param expertise keywords (single words or short phrases) matched against a task's text to pick
 *     the best-fitting droid
 */
public record DroidProfile(String name, String description, List<String> expertise) {
  public DroidProfile {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException("droid name: '" + name + "' (expected: [a-z0-9-]+)");
    }
    description = description == null ? "" : description;
    expertise = List.copyOf(expertise);
  }
}
