package dev.baton.master.conflict;

import java.util.List;
import java.util.Optional;

/** The infrastructure formats as plain Java (docs/shared-documents.md): what backend needs, what devops provides. */
final class InfrastructureDocs {
  private InfrastructureDocs() {}

  /** A backing service the application needs; {@code port} is where it expects to reach it. */
  record ServiceNeed(String name, VersionRange version, Optional<Integer> port) {}

  /** CPU in millicores and memory in bytes; absent means not stated. */
  record Resources(Optional<Long> cpuMillis, Optional<Long> memoryBytes) {
    static final Resources NONE = new Resources(Optional.empty(), Optional.empty());
  }

  /** The backend's infrastructure_needs: {@code app} is the application, owner of {@code ports}. */
  record Needs(
      String document, String app, List<ServiceNeed> services, List<String> env, List<Integer> ports,
      Resources resources) {}

  /** A provided service; version as written, and parsed when it reads as one. */
  record ServiceProvision(String name, Optional<String> version, Optional<VersionRange.Version> parsed,
      Optional<Integer> port) {}

  /** A port devops allocated to an application or service. */
  record PortAllocation(int port, String owner) {}

  /** The devops infrastructure_provisions. */
  record Provisions(
      String document, List<ServiceProvision> services, List<String> env, List<PortAllocation> ports,
      Resources resources) {}
}
