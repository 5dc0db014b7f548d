package dev.baton.master.conflict;

import dev.baton.master.conflict.InfrastructureDocs.Needs;
import dev.baton.master.conflict.InfrastructureDocs.Resources;
import dev.baton.master.conflict.InfrastructureDocs.ServiceNeed;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the {@code InfrastructureNeeds} YAML format (kind infrastructure_needs). */
final class InfrastructureNeedsParser {
  static final String KIND = "InfrastructureNeeds";
  static final String EXPECTED = "an InfrastructureNeeds mapping with services, env, ports and resources";

  private InfrastructureNeedsParser() {}

  /**
   * @param defaultApp the application's name when the document names none (the publishing domain)
   */
  static Needs parse(String documentName, String content, String defaultApp) {
    YamlDocument.Mapping root = YamlDocument.parse(documentName, content, EXPECTED).mapping();
    root.allowOnly("apiVersion", "kind", "name", "services", "env", "ports", "resources");
    FormatHeader.check(root, KIND);
    String app = root.has("name") ? FormatHeader.name(root, "name") : defaultApp;
    List<ServiceNeed> services = new ArrayList<>();
    for (YamlDocument.Mapping s : root.mappings("services", "{name, version, port}")) {
      s.allowOnly("name", "version", "port");
      String name = FormatHeader.name(s, "name");
      VersionRange range = VersionRange.parse("*");
      Optional<String> text = s.optString("version", VersionRange.EXPECTED);
      if (text.isPresent()) {
        try {
          range = VersionRange.parse(text.get());
        } catch (IllegalArgumentException e) {
          throw s.fail("version", e.getMessage());
        }
      }
      services.add(new ServiceNeed(name, range, portOf(s)));
    }
    return new Needs(documentName, app, List.copyOf(services), env(root), ports(root),
        resources(root));
  }

  static Optional<Integer> portOf(YamlDocument.Mapping m) {
    List<YamlDocument.Scalar> p = m.scalars("port", "a port in 1..65535");
    return p.isEmpty() ? Optional.empty() : Optional.of(FormatHeader.port(p.get(0)));
  }

  static List<String> env(YamlDocument.Mapping root) {
    List<String> env = new ArrayList<>();
    for (YamlDocument.Scalar v : root.scalars("env", FormatHeader.ENV_EXPECTED)) {
      if (!FormatHeader.ENV.matcher(v.text()).matches()) {
        throw v.fail("'" + v.text() + "' (expected: " + FormatHeader.ENV_EXPECTED + ")");
      }
      env.add(v.text());
    }
    return List.copyOf(env);
  }

  private static List<Integer> ports(YamlDocument.Mapping root) {
    List<Integer> ports = new ArrayList<>();
    for (YamlDocument.Scalar p : root.scalars("ports", "a port in 1..65535")) {
      ports.add(FormatHeader.port(p));
    }
    return List.copyOf(ports);
  }

  static Resources resources(YamlDocument.Mapping root) {
    Optional<YamlDocument.Mapping> r = root.optMapping("resources", "{cpu, memory}");
    if (r.isEmpty()) {
      return Resources.NONE;
    }
    YamlDocument.Mapping m = r.get().allowOnly("cpu", "memory");
    Optional<Long> cpu = m.optString("cpu", Quantity.CPU_EXPECTED).map(t -> {
      try {
        return Quantity.cpuMillis(t);
      } catch (IllegalArgumentException e) {
        throw m.fail("cpu", e.getMessage());
      }
    });
    Optional<Long> memory = m.optString("memory", Quantity.MEMORY_EXPECTED).map(t -> {
      try {
        return Quantity.memoryBytes(t);
      } catch (IllegalArgumentException e) {
        throw m.fail("memory", e.getMessage());
      }
    });
    return new Resources(cpu, memory);
  }
}
