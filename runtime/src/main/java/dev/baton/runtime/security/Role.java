package dev.baton.runtime.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a caller may do. People and scripts hold {@link #VIEWER}, {@link #SUBMITTER} or {@link
 * #ADMIN} (from their token); orchestrators and masters hold {@link #ORCHESTRATOR} and {@link
 * #MASTER} (from their certificate). The RPCs each role opens are listed in docs/security.md.
 */
public enum Role {
  /** Get, Watch, List, Dashboard. */
  VIEWER,
  /** What a viewer may, plus Submit, Validate, and Cancel of the plans it submitted. */
  SUBMITTER,
  /** Everything a person may do, on every plan. */
  ADMIN,
  /** A sub-orchestrator: Coordinate with the master, Deliver to peers. */
  ORCHESTRATOR,
  /** The master: a sub-orchestrator's Delegate, Execute, Cancel. */
  MASTER;

  /** Lower case, as written in tokens, token files and messages: {@code submitter}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role named {@code name} (any case), if there is one. */
  public static Optional<Role> parse(String name) {
    return Arrays.stream(values()).filter(r -> r.wireName().equalsIgnoreCase(name.strip())).findFirst();
  }
}
