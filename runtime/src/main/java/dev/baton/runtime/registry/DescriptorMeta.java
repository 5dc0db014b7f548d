package dev.baton.runtime.registry;

import dev.baton.v1.Communication;
import dev.baton.v1.ComplexityLevel;
import dev.baton.v1.Specialization;
import dev.baton.v1.SubOrchestratorCapabilities;
import dev.baton.v1.SubOrchestratorDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one mapping between a sub-orchestrator's descriptor and its Consul registration: what goes
 * into the service meta, and the descriptor the master rebuilds from it for an instance whose
 * Coordinate stream is not open.
 *
 * <p>Lists are joined with {@value #SEPARATOR} and cut at an item boundary to Consul's 512
 * characters per value, so the meta carries the routing essentials, not the whole descriptor (the
 * droids stay out: the Register frame brings them).
 */
public final class DescriptorMeta {
  public static final String DOMAIN = "domain";
  public static final String INSTANCE_ID = "instance_id";
  public static final String NAME = "name";
  public static final String ROLE = "role";
  public static final String MAX_CONCURRENT_TASKS = "max_concurrent_tasks";
  public static final String COMPLEXITY = "complexity";
  public static final String EXPERTISE = "expertise";
  public static final String DOMAIN_EXPERTISE = "domain_expertise";
  public static final String MASTER_ROLE = "master";
  static final String SEPARATOR = ";";
  static final String TAG = "baton";

  private DescriptorMeta() {}

  /** The registration of a sub-orchestrator serving at {@code host:port}. */
  public static ServiceRegistration registration(SubOrchestratorDescriptor d, String host, int port) {
    String domain = d.getSpecialization().getDomain();
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(DOMAIN, domain);
    meta.put(INSTANCE_ID, d.getId());
    meta.put(NAME, bounded(List.of(d.getName())));
    meta.put(ROLE, d.getRole().isEmpty() ? "sub_orchestrator" : d.getRole());
    meta.put(MAX_CONCURRENT_TASKS, Integer.toString(d.getCapabilities().getMaxConcurrentTasks()));
    meta.put(COMPLEXITY, complexityName(d.getCapabilities().getComplexityLevel()));
    meta.put(EXPERTISE, bounded(d.getSpecialization().getExpertiseList()));
    meta.put(DOMAIN_EXPERTISE, bounded(d.getCapabilities().getDomainExpertiseList()));
    return new ServiceRegistration(ServiceNames.forDomain(domain), d.getId(), host, port,
        List.of(TAG, "domain-" + domain), meta);
  }

  /** The master's registration. */
  public static ServiceRegistration masterRegistration(String id, String host, int port) {
    return new ServiceRegistration(ServiceNames.MASTER, id, host, port, List.of(TAG, "master"),
        Map.of(DOMAIN, MASTER_ROLE, INSTANCE_ID, id, ROLE, MASTER_ROLE));
  }

  /**
   * A descriptor rebuilt from an instance's meta (id, domain, address, capacity, complexity,
   * expertise); fields the meta does not carry stay empty.
   */
  public static SubOrchestratorDescriptor descriptor(ServiceInstance i) {
    Map<String, String> m = i.meta();
    String domain = m.getOrDefault(DOMAIN, domainOf(i.service()));
    int max;
    try {
      max = Math.max(1, Integer.parseInt(m.getOrDefault(MAX_CONCURRENT_TASKS, "1")));
    } catch (NumberFormatException e) {
      max = 1;
    }
    return SubOrchestratorDescriptor.newBuilder()
        .setId(i.id())
        .setName(m.getOrDefault(NAME, domain + " orchestrator"))
        .setRole(m.getOrDefault(ROLE, "sub_orchestrator"))
        .setSpecialization(Specialization.newBuilder()
            .setDomain(domain)
            .addAllExpertise(split(m.get(EXPERTISE))))
        .setCapabilities(SubOrchestratorCapabilities.newBuilder()
            .setMaxConcurrentTasks(max)
            .setComplexityLevel(complexity(m.get(COMPLEXITY)))
            .addAllDomainExpertise(split(m.get(DOMAIN_EXPERTISE))))
        .setCommunication(Communication.newBuilder().addCommunicationChannels("grpc:SubOrchestrator"))
        .setAddress(i.address())
        .build();
  }

  /** {@code baton-backend} -> {@code backend}. */
  public static String domainOf(String service) {
    return service.startsWith(ServiceNames.PREFIX) ? service.substring(ServiceNames.PREFIX.length()) : service;
  }

  static String bounded(List<String> items) {
    StringBuilder out = new StringBuilder();
    for (String item : items) {
      String clean = item.replace(SEPARATOR, ",");
      int extra = (out.length() == 0 ? 0 : SEPARATOR.length()) + clean.length();
      if (out.length() + extra > ServiceRegistration.MAX_META_VALUE) {
        break;
      }
      if (out.length() > 0) {
        out.append(SEPARATOR);
      }
      out.append(clean);
    }
    return out.toString();
  }

  static List<String> split(String joined) {
    if (joined == null || joined.isBlank()) {
      return List.of();
    }
    return new ArrayList<>(Arrays.asList(joined.split(SEPARATOR)));
  }

  private static String complexityName(ComplexityLevel level) {
    String name = level.name();
    String prefix = "COMPLEXITY_LEVEL_";
    return (name.startsWith(prefix) ? name.substring(prefix.length()) : name).toLowerCase(Locale.ROOT);
  }

  private static ComplexityLevel complexity(String name) {
    if (name == null) {
      return ComplexityLevel.COMPLEXITY_LEVEL_UNSPECIFIED;
    }
    try {
      return ComplexityLevel.valueOf("COMPLEXITY_LEVEL_" + name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return ComplexityLevel.COMPLEXITY_LEVEL_UNSPECIFIED;
    }
  }
}
