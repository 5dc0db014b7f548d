package dev.baton.runtime.security.tls;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a leaf certificate says: one identity as a URI SAN ({@code spiffe://baton/orchestrator/backend},
 * which servers map to a caller), the DNS names and IP addresses it may serve under (hostname
 * verification checks these), and when it is valid. Defaults: {@code localhost}, {@code 127.0.0.1}
 * and {@code ::1}; valid from a minute ago (clock skew) for {@link #DEFAULT_VALIDITY}.
 *
 * @param notBefore null: a minute before issuing
 * @param notAfter null: {@code notBefore} plus {@link #DEFAULT_VALIDITY}
 */
public record CertificateRequest(URI identity, List<String> dnsNames, List<String> ipAddresses,
    Instant notBefore, Instant notAfter) {
  /** A year: development certificates; production ones come from cert-manager or another CA. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);
  public static final List<String> DEFAULT_DNS = List.of("localhost");
  public static final List<String> DEFAULT_IPS = List.of("127.0.0.1", "::1");

  public CertificateRequest {
    if (identity == null || !identity.isAbsolute() || identity.getHost() == null) {
      throw new IllegalArgumentException("identity: '" + identity
          + "' (expected: an absolute URI with a trust domain, e.g. spiffe://baton/orchestrator/backend)");
    }
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
    for (String ip : ipAddresses) {
      if (!ip.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
        throw new IllegalArgumentException("ip: '" + ip + "' (expected: an IPv4 or IPv6 address, e.g. 10.0.0.5)");
      }
    }
    if (notBefore != null && notAfter != null && !notAfter.isAfter(notBefore)) {
      throw new IllegalArgumentException("notAfter: " + notAfter + " (expected: after notBefore " + notBefore + ")");
    }
  }

  /** {@code identity} with the default names and validity. */
  public static CertificateRequest forIdentity(String identity) {
    URI uri;
    try {
      uri = new URI(identity);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("identity: '" + identity + "' is not a URI: " + e.getReason()
          + " (expected e.g. spiffe://baton/orchestrator/backend)");
    }
    return new CertificateRequest(uri, DEFAULT_DNS, DEFAULT_IPS, null, null);
  }

  public CertificateRequest withDns(List<String> names) {
    return new CertificateRequest(identity, names, ipAddresses, notBefore, notAfter);
  }

  public CertificateRequest withIps(List<String> ips) {
    return new CertificateRequest(identity, dnsNames, ips, notBefore, notAfter);
  }

  /** Valid from {@code from} until {@code until}: tests make expired and not-yet-valid ones. */
  public CertificateRequest withValidity(Instant from, Instant until) {
    return new CertificateRequest(identity, dnsNames, ipAddresses, from, until);
  }

  /** Valid from a minute ago for {@code validity}. */
  public CertificateRequest validFor(Duration validity, Instant now) {
    Instant from = now.minus(Duration.ofMinutes(1));
    return withValidity(from, from.plus(validity));
  }
}
