package dev.baton.runtime.security.tls;

import io.grpc.util.AdvancedTlsX509TrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;

/**
 * Checks a server by who it is rather than where it was dialled: after the chain was verified
 * against the CA bundle, the leaf must carry a {@code spiffe://<trust domain>/} URI SAN. Used with
 * {@code --tls-server-identity spiffe}, where a sub-orchestrator is dialled at a pod IP that no
 * certificate issued before the pod existed can name. The CA bundle must then be Baton's own: any
 * certificate it signed with such a SAN is accepted for any host (docs/security.md).
 */
final class SpiffeServerCheck implements AdvancedTlsX509TrustManager.SslSocketAndEnginePeerVerifier {
  private final String prefix;

  SpiffeServerCheck(String trustDomain) {
    this.prefix = "spiffe://" + trustDomain + "/";
  }

  @Override
  public void verifyPeerCertificate(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void verifyPeerCertificate(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  private void check(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the server presented no certificate");
    }
    for (String uri : Certificates.uriSans(chain[0])) {
      if (uri.startsWith(prefix) && uri.length() > prefix.length()) {
        return;
      }
    }
    throw new CertificateException("the server's certificate names no identity under " + prefix
        + " (its URI SANs: " + Certificates.uriSans(chain[0]) + "); --tls-server-identity spiffe accepts only"
        + " certificates of Baton's trust domain");
  }
}
