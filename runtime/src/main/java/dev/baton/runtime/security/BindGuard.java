package dev.baton.runtime.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secure by default: a server may listen in plaintext only on a loopback interface, unless the
 * operator said {@code --insecure}, which is logged as a warning on every start. Every Baton server
 * that takes a network connection (the gRPC servers, the master's git HTTP server) asks here first.
 */
public final class BindGuard {
  private static final Logger log = LoggerFactory.getLogger(BindGuard.class);

  private BindGuard() {}

  /**
   * Refuses to serve plaintext on {@code host} unless it is a loopback address or {@code insecure}.
   *
   * @param what the server, for the messages: {@code gRPC server}, {@code git HTTP server}
   * @throws IllegalStateException naming the address and the flags that fix it
   */
  public static void check(String what, String host, int port, boolean plaintext, boolean insecure) {
    if (!plaintext) {
      return;
    }
    if (insecure) {
      log.warn("INSECURE: the {} on {}:{} serves plaintext without TLS (--insecure): anyone who can reach it"
          + " can read and forge its traffic; pass --tls-cert, --tls-key and --tls-ca instead", what, host, port);
      return;
    }
    if (!isLoopback(host)) {
      throw new IllegalStateException("refusing to serve the " + what + " in plaintext on " + host + ":" + port
          + " (not a loopback interface): pass --tls-cert, --tls-key and --tls-ca (see docs/security.md),"
          + " or --insecure to accept plaintext on a network, or --host 127.0.0.1");
    }
  }

  /** True for {@code localhost}, {@code 127.0.0.0/8} and {@code ::1}; false for a wildcard such as {@code 0.0.0.0}. */
  public static boolean isLoopback(String host) {
    if (host == null || host.isBlank()) {
      return false;
    }
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
