package dev.baton.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The masters a client command may talk to, in the order it tries them: every {@code --master}
 * value, each a comma-separated list of host:port. At most {@link #MAX} addresses, none twice.
 */
final class MasterAddresses {
  /** More masters than this is a typo or a misconfiguration: three or five is the usual count. */
  static final int MAX = 16;

  private MasterAddresses() {}

  /**
   * Parses the option's values.
   *
   * @throws CliException (exit 2, one line) for an empty, malformed or repeated address, or more than {@link #MAX}
   */
  static List<HostPort> parse(String option, List<String> values) {
    Set<HostPort> addresses = new LinkedHashSet<>();
    List<String> parts = new ArrayList<>();
    for (String value : values == null ? List.<String>of() : values) {
      for (String part : value.split(",", -1)) {
        parts.add(part.strip());
      }
    }
    for (String part : parts) {
      if (part.isEmpty()) {
        throw CliException.invalidInput(option + ": an empty address in '" + String.join(",", values)
            + "' (expected: host:port[,host:port...])");
      }
      HostPort address = HostPort.parse(option, part);
      if (!addresses.add(address)) {
        throw CliException.invalidInput(option + ": " + address + " given twice (expected: each master once)");
      }
    }
    if (addresses.isEmpty()) {
      throw CliException.invalidInput(option + ": no address (expected: host:port[,host:port...])");
    }
    if (addresses.size() > MAX) {
      throw CliException.invalidInput(option + ": " + addresses.size() + " addresses (expected: at most " + MAX
          + "; a DNS name that resolves to every master counts as one)");
    }
    return List.copyOf(addresses);
  }
}
