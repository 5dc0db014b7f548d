package dev.baton.runtime.git;

import dev.baton.runtime.security.tls.TlsFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * The TLS settings git's https transport (curl) gets through its environment: the process's
 * certificate and key ({@code GIT_SSL_CERT}, {@code GIT_SSL_KEY}), read by git on every command so a
 * rotated file is used at the next fetch, and a CA file ({@code GIT_SSL_CAINFO}).
 *
 * <p>Why the CA file is a bundle of its own: {@code http.sslCAInfo} replaces curl's default roots, and a
 * sub-orchestrator also fetches public https remotes (GitHub). The file is Baton's CA bundle followed by
 * the JDK's default trusted roots, written under {@code dir} and rewritten when the CA bundle changes.
 * Curl sends the client certificate only to a server that asks for one (the master's git server).
 *
 * <p>Thread-safe: {@link #environment()} may run on any task thread; rewrites are serialised.
 */
public final class GitTls {
  private final TlsFiles files;
  private final Path bundle;
  /** Guarded by this: the CA bundle's modification time and size when {@link #bundle} was written. */
  private long writtenFor = Long.MIN_VALUE;

  /**
   * @param files the certificate and key to present (required) and the CA bundle
   * @param dir where the combined CA file is written
   */
  public GitTls(TlsFiles files, Path dir) {
    this.files = Objects.requireNonNull(files, "files");
    if (!files.hasIdentity()) {
      throw new IllegalArgumentException("git over TLS needs a certificate and key (pass --tls-cert and --tls-key)");
    }
    this.bundle = dir.toAbsolutePath().resolve("git-ca-bundle.pem");
  }

  public TlsFiles files() {
    return files;
  }

  /**
   * Environment variables for git: {@code GIT_SSL_CERT}, {@code GIT_SSL_KEY}, {@code GIT_SSL_CAINFO}
   * (git's documented overrides of {@code http.sslCert}, {@code http.sslKey}, {@code http.sslCAInfo};
   * with git 2.39 and libcurl-gnutls a {@code -c http.sslCAInfo} was not applied, the variables are).
   */
  public Map<String, String> environment() {
    return Map.of("GIT_SSL_CERT", files.certChain().toAbsolutePath().toString(),
        "GIT_SSL_KEY", files.privateKey().toAbsolutePath().toString(),
        "GIT_SSL_CAINFO", caInfo().toString());
  }

  /** The combined CA file, rewritten when Baton's bundle changed since it was last written. */
  synchronized Path caInfo() {
    try {
      long stamp = Files.getLastModifiedTime(files.caBundle()).toMillis() * 31 + Files.size(files.caBundle());
      if (stamp != writtenFor || !Files.exists(bundle)) {
        StringWriter text = new StringWriter();
        text.write(Files.readString(files.caBundle()));
        text.write("\n");
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
          for (X509Certificate root : jdkRoots()) {
            pem.writeObject(root);
          }
        }
        Files.createDirectories(bundle.getParent());
        Path tmp = Files.createTempFile(bundle.getParent(), ".git-ca-bundle", ".tmp");
        Files.writeString(tmp, text.toString());
        Files.move(tmp, bundle, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        writtenFor = stamp;
      }
      return bundle;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write git's CA file " + bundle + " from " + files.caBundle()
          + ": " + e.getMessage(), e);
    }
  }

  private static List<X509Certificate> jdkRoots() {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init((KeyStore) null);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return List.of(x.getAcceptedIssuers());
        }
      }
      return List.of();
    } catch (GeneralSecurityException e) {
      return List.of(); // Baton's CA alone: public https remotes then fail with curl's own message
    }
  }
}
