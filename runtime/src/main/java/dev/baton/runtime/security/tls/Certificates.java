package dev.baton.runtime.security.tls;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Reads a verified peer's identity: the URI SANs of the certificate it presented in the TLS
 * handshake. A server's interceptor takes the session from the call's {@code
 * Grpc.TRANSPORT_ATTR_SSL_SESSION} attribute; the chain was already verified against the CA bundle.
 */
public final class Certificates {
  /** The GeneralName tag of a URI in {@link X509Certificate#getSubjectAlternativeNames()}. */
  private static final int URI = 6;

  private Certificates() {}

  /** The leaf certificate the peer presented; empty when it presented none (or there is no session). */
  public static Optional<X509Certificate> peer(SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x ? Optional.of(x) : Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  /** The URI SANs of the peer's certificate ({@code spiffe://baton/orchestrator/backend}); empty without one. */
  public static List<String> uriSans(SSLSession session) {
    return peer(session).map(Certificates::uriSans).orElse(List.of());
  }

  /** The URI SANs of {@code cert}, in order. */
  public static List<String> uriSans(X509Certificate cert) {
    List<String> uris = new ArrayList<>();
    try {
      Collection<List<?>> names = cert.getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> name : names) {
          if (name.size() >= 2 && name.get(0) instanceof Integer tag && tag == URI) {
            uris.add(String.valueOf(name.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return List.of();
    }
    return List.copyOf(uris);
  }
}
