package dev.baton.master.conflict;

import dev.baton.master.conflict.InfrastructureDocs.PortAllocation;
import dev.baton.master.conflict.InfrastructureDocs.Provisions;
import dev.baton.master.conflict.InfrastructureDocs.ServiceProvision;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the {@code InfrastructureProvisions} YAML format (kind infrastructure_provisions). */
final class InfrastructureProvisionsParser {
  static final String KIND = "InfrastructureProvisions";
  static final String EXPECTED = "an InfrastructureProvisions mapping with services, env, ports and resources";

  private InfrastructureProvisionsParser() {}

  static Provisions parse(String documentName, String content) {
    YamlDocument.Mapping root = YamlDocument.parse(documentName, content, EXPECTED).mapping();
    root.allowOnly("apiVersion", "kind", "services", "env", "ports", "resources");
    FormatHeader.check(root, KIND);
    List<ServiceProvision> services = new ArrayList<>();
    for (YamlDocument.Mapping s : root.mappings("services", "{name, version, port}")) {
      s.allowOnly("name", "version", "port");
      String name = FormatHeader.name(s, "name");
      Optional<String> version = s.optString("version", VersionRange.Version.EXPECTED);
      Optional<VersionRange.Version> parsed = Optional.empty();
      if (version.isPresent()) {
        parsed = VersionRange.Version.parse(version.get());
        if (parsed.isEmpty()) {
          throw s.fail("version", "'" + version.get() + "' (expected: " + VersionRange.Version.EXPECTED + ")");
        }
      }
      services.add(new ServiceProvision(name, version, parsed, InfrastructureNeedsParser.portOf(s)));
    }
    List<PortAllocation> ports = new ArrayList<>();
    for (YamlDocument.Mapping p : root.mappings("ports", "{port, owner}")) {
      p.allowOnly("port", "owner");
      List<YamlDocument.Scalar> port = p.scalars("port", "a port in 1..65535");
      if (port.isEmpty()) {
        throw p.fail("port", "missing (expected: a port in 1..65535)");
      }
      ports.add(new PortAllocation(FormatHeader.port(port.get(0)), FormatHeader.name(p, "owner")));
    }
    return new Provisions(documentName, List.copyOf(services), InfrastructureNeedsParser.env(root),
        List.copyOf(ports), InfrastructureNeedsParser.resources(root));
  }
}
