package dev.baton.runtime.limits;

import dev.baton.runtime.orchestrator.Specialisations;
import dev.baton.runtime.registry.ServiceNames;
import dev.baton.v1.SubOrchestratorDescriptor;
import java.util.regex.Pattern;

/**
 * What a Register must say beyond the sizes {@link BatonBounds} checks: a known domain and an
 * address another orchestrator can dial. The master refuses anything else before the instance
 * enters its registry, so a bad Register never reaches the peer lists it sends to everyone.
 */
public final class RegisterCheck {
  /** A DNS name or IPv4 address, or an IPv6 address in brackets, then a port. */
  private static final Pattern HOST_PORT = Pattern.compile(
      "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
          + "|\\[[0-9A-Fa-f:.]{2,45}\\]):([0-9]{1,5})");

  private RegisterCheck() {}

  /** Refuses {@code d} with a {@link BoundsException} naming the field and what is expected. */
  public static void check(SubOrchestratorDescriptor d) {
    String domain = d.getSpecialization().getDomain();
    // The standard four, or another whose specialisation is on this class path (a test's sample).
    if (!ServiceNames.DOMAINS.contains(domain) && !(domain.matches("[a-z][a-z0-9-]{0,31}") && Specialisations.exists(domain))) {
      throw new BoundsException("orchestrator.specialization.domain", "orchestrator.specialization.domain: '"
          + abbreviate(domain) + "' (expected one of: " + String.join(", ", ServiceNames.DOMAINS) + ")");
    }
    String address = d.getAddress();
    if (address.startsWith("inprocess:") && address.matches("inprocess:[A-Za-z0-9._-]{1,200}")) {
      return; // a server in this JVM (GrpcServer.startInProcess): tests and embedding code
    }
    var m = HOST_PORT.matcher(address);
    if (address.length() > BatonBounds.NAME_BYTES + 6 || !m.matches()
        || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) > 65_535) {
      throw new BoundsException("orchestrator.address", "orchestrator.address: '" + abbreviate(address)
          + "' (expected: host:port of the instance's gRPC server, e.g. 10.0.0.7:7301 or backend-0.baton:7301,"
          + " port 1..65535)");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "... (" + s.length() + " characters)";
  }
}
