package dev.baton.runtime.registry;

import java.util.List;

/**
 * Consul service names of Baton's roles: {@code baton-master} for the master and
 * {@code baton-<domain>} for each sub-orchestrator domain. Replicas of a domain share the name
 * and differ in their service id, which is the instance id.
 */
public final class ServiceNames {
  public static final String PREFIX = "baton-";
  public static final String MASTER = PREFIX + "master";
  /** The domains the master watches by default and sub-orchestrators list as peers. */
  public static final List<String> DOMAINS = List.of("frontend", "backend", "devops", "testing");

  private ServiceNames() {}

  public static String forDomain(String domain) {
    if (domain == null || !domain.matches("[a-z0-9-]+") || domain.equals("master")) {
      throw new IllegalArgumentException("domain: '" + domain + "' (expected: [a-z0-9-]+, not 'master')");
    }
    return PREFIX + domain;
  }
}
