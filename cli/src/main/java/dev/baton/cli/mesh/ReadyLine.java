package dev.baton.cli.mesh;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one line a Baton server process prints to stdout once it serves:
 * {@code BATON_READY role=<master|orchestrator> domain=<domain or -> id=<instance id> address=<host:port>}
 * and, for a master that serves repositories, {@code git=<base URL>}, and for one that serves its web
 * dashboard, {@code dashboard=<base URL>}.
 *
 * <p>Launchers ({@code baton up}, {@code baton demo}, the end-to-end tests) read it instead of
 * guessing ports, which is what lets every server bind port 0.
 */
public record ReadyLine(String role, String domain, String id, String address, String git, String dashboard) {
  public static final String PREFIX = "BATON_READY";

  public ReadyLine {
    Objects.requireNonNull(role, "role");
    domain = domain == null || domain.isEmpty() ? "-" : domain;
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(address, "address");
    git = git == null ? "" : git;
    dashboard = dashboard == null ? "" : dashboard;
  }

  public ReadyLine(String role, String domain, String id, String address, String git) {
    this(role, domain, id, address, git, "");
  }

  public ReadyLine(String role, String domain, String id, String address) {
    this(role, domain, id, address, "");
  }

  /** The line as printed, without a line break. */
  public String format() {
    return PREFIX + " role=" + role + " domain=" + domain + " id=" + id + " address=" + address
        + (git.isEmpty() ? "" : " git=" + git) + (dashboard.isEmpty() ? "" : " dashboard=" + dashboard);
  }

  /** The ready line in {@code line}, or empty when it is some other output. */
  public static Optional<ReadyLine> parse(String line) {
    if (line == null || !line.startsWith(PREFIX + " ")) {
      return Optional.empty();
    }
    Map<String, String> fields = new HashMap<>();
    for (String part : line.substring(PREFIX.length()).trim().split("\\s+")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        fields.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    if (!fields.keySet().containsAll(java.util.List.of("role", "id", "address"))) {
      return Optional.empty();
    }
    return Optional.of(
        new ReadyLine(fields.get("role"), fields.get("domain"), fields.get("id"), fields.get("address"),
            fields.get("git"), fields.get("dashboard")));
  }

  /** The domain, or empty for the master. */
  public Optional<String> domainIfAny() {
    return "-".equals(domain) ? Optional.empty() : Optional.of(domain);
  }
}
