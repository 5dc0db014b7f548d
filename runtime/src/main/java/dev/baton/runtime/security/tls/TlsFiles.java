package dev.baton.runtime.security.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a process finds its TLS material, all PEM: its certificate chain and private key (both, or
 * neither for a client that presents no certificate, such as a person's CLI) and the CA bundle its
 * peers' certificates must chain to. The files are re-read every {@code reloadPeriod} when they
 * change, so a rotated Kubernetes secret or cert-manager certificate takes effect without a restart.
 *
 * @param certChain leaf certificate first, then intermediates; null for none
 * @param privateKey unencrypted PKCS#8 or SEC1 key of the leaf; null exactly when {@code certChain} is
 * @param caBundle one or more CA certificates trusted for peers
 * @param reloadPeriod how often the files' modification times are checked; default {@link #DEFAULT_RELOAD}
 * @param serverTrustDomain null (default): a server this process dials must name the dialled host
 *     in its certificate's DNS or IP SANs; a trust domain: it must instead carry a {@code
 *     spiffe://<domain>/...} URI SAN (any Baton identity of that domain), whatever host was dialled:
 *     for pods whose IPs are unknown when their certificates are issued (Kubernetes Deployments)
 */
public record TlsFiles(Path certChain, Path privateKey, Path caBundle, Duration reloadPeriod, String serverTrustDomain) {
  /** Checked once a minute: a Kubernetes secret update itself takes about that long to reach the pod. */
  public static final Duration DEFAULT_RELOAD = Duration.ofMinutes(1);

  public TlsFiles(Path certChain, Path privateKey, Path caBundle, Duration reloadPeriod) {
    this(certChain, privateKey, caBundle, reloadPeriod, null);
  }

  public TlsFiles {
    Objects.requireNonNull(caBundle, "caBundle: null (expected: a PEM file of CA certificates, --tls-ca)");
    if ((certChain == null) != (privateKey == null)) {
      throw new IllegalArgumentException(certChain == null
          ? "a private key without a certificate (pass --tls-cert with --tls-key)"
          : "a certificate without a private key (pass --tls-key with --tls-cert)");
    }
    reloadPeriod = reloadPeriod == null ? DEFAULT_RELOAD : reloadPeriod;
    if (reloadPeriod.isNegative() || reloadPeriod.isZero()) {
      throw new IllegalArgumentException("reloadPeriod: " + reloadPeriod + " (expected: > 0)");
    }
  }

  /** A certificate, its key and the CA bundle, checked for changes every {@link #DEFAULT_RELOAD}. */
  public static TlsFiles of(Path certChain, Path privateKey, Path caBundle) {
    return new TlsFiles(certChain, privateKey, caBundle, DEFAULT_RELOAD);
  }

  /** Only a CA bundle: a client that presents no certificate. */
  public static TlsFiles trustOnly(Path caBundle) {
    return new TlsFiles(null, null, caBundle, DEFAULT_RELOAD);
  }

  /** The same files checked every {@code period}. */
  public TlsFiles withReloadPeriod(Duration period) {
    return new TlsFiles(certChain, privateKey, caBundle, period, serverTrustDomain);
  }

  /** The same files, checking servers by their SPIFFE identity in {@code trustDomain} instead of their host name. */
  public TlsFiles withServerTrustDomain(String trustDomain) {
    return new TlsFiles(certChain, privateKey, caBundle, reloadPeriod, trustDomain);
  }

  /** True when there is a certificate to present. */
  public boolean hasIdentity() {
    return certChain != null;
  }
}
