package dev.baton.cli;

import java.util.regex.Pattern;

/**
 * A validated "host:port": a DNS name or IPv4 address, or an IPv6 address in brackets, and a port
 * in 1..65535. A DNS name may resolve to several masters (a Kubernetes headless Service).
 */
record HostPort(String host, int port) {
  /** Letters, digits, dots, dashes and underscores: what DNS names and IPv4 addresses use. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,253}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}(%[A-Za-z0-9]{1,16})?");

  /**
   * Parses {@code value}.
   *
   * @param option named in the message when the value is refused
   * @throws CliException (exit 2) naming the option, the value and the expected form
   */
  static HostPort parse(String option, String value) {
    String expected = " (expected: host:port, e.g. 127.0.0.1:7233)";
    if (value != null && value.contains("://")) {
      throw CliException.invalidInput(option + ": '" + value + "' (expected: host:port without a scheme, e.g. "
          + "127.0.0.1:7233)");
    }
    int colon = value == null ? -1 : value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw CliException.invalidInput(option + ": '" + value + "'" + expected);
    }
    String host = value.substring(0, colon);
    boolean bracketed = host.startsWith("[") && host.endsWith("]");
    if (bracketed) {
      host = host.substring(1, host.length() - 1);
    }
    if (!(bracketed ? IPV6.matcher(host).matches() : NAME.matcher(host).matches())) {
      throw CliException.invalidInput(option + ": '" + value + "': host '" + host + "' is not a DNS name or IP"
          + " address" + expected);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw CliException.invalidInput(option + ": '" + value + "'" + expected);
    }
    if (port < 1 || port > 65535) {
      throw CliException.invalidInput(option + ": port " + port + " (expected: 1..65535)");
    }
    return new HostPort(host, port);
  }

  /** The gRPC target that resolves the name through DNS (every address it has). */
  String target() {
    return "dns:///" + authority();
  }

  /** host:port, the IPv6 host in brackets. */
  String authority() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return authority();
  }
}
