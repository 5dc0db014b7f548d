package dev.baton.runtime.security.tls;

import dev.baton.runtime.security.ClientSecurity;
import dev.baton.runtime.security.OpenAccess;
import dev.baton.runtime.security.Security;
import dev.baton.runtime.security.ServerSecurity;
import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.AdvancedTlsX509TrustManager.Verification;
import io.grpc.util.CertificateUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's TLS material from {@link TlsFiles}, kept current: grpc-java's {@link
 * AdvancedTlsX509KeyManager} and {@link AdvancedTlsX509TrustManager} hold the certificate, key and CA
 * bundle, and a watcher re-reads the files into them when their modification time or size changes.
 * Every connection made or accepted after a reload uses the new material; established connections
 * (and the streams on them) keep the session they negotiated.
 *
 * <p>Why our own watcher rather than the managers' periodic {@code updateIdentityCredentials(..., period,
 * ...)}: grpc-java raises any period under a minute to a minute, which makes rotation untestable
 * without waiting a minute; the watcher calls the same managers' one-shot updates on a period of our
 * choosing. A file that cannot be read or parsed at a reload is logged (naming the file) and the
 * previous material stays in use.
 *
 * <p>Threads: the reloads run on one shared daemon thread, {@code baton-tls-reload}; the managers
 * publish new material through volatile fields, so handshakes on Netty's threads read it without locks.
 * {@link #close()} stops this material's watcher.
 */
public final class TlsMaterial implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TlsMaterial.class);
  private static final ScheduledExecutorService RELOADS = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "baton-tls-reload");
    t.setDaemon(true);
    return t;
  });

  private final TlsFiles files;
  /** Null when there is no certificate to present. */
  private final AdvancedTlsX509KeyManager keyManager;
  /** Verifies clients: the chain only; who the client is, the server's interceptors decide from its URI SAN. */
  private final AdvancedTlsX509TrustManager clientVerifier;
  /** Verifies servers: the chain and the host name dialled against the certificate's DNS and IP SANs. */
  private final AdvancedTlsX509TrustManager serverVerifier;
  private final ScheduledFuture<?> watcher;
  /** Written and read only by the reload thread after construction. */
  private Stamp identityStamp;
  private Stamp caStamp;

  private TlsMaterial(TlsFiles files) throws GeneralSecurityException, IOException {
    this.files = files;
    this.clientVerifier = AdvancedTlsX509TrustManager.newBuilder()
        .setVerification(Verification.CERTIFICATE_ONLY_VERIFICATION).build();
    this.serverVerifier = files.serverTrustDomain() == null
        ? AdvancedTlsX509TrustManager.newBuilder()
            .setVerification(Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION).build()
        : AdvancedTlsX509TrustManager.newBuilder()
            .setVerification(Verification.CERTIFICATE_ONLY_VERIFICATION)
            .setSslSocketAndEnginePeerVerifier(new SpiffeServerCheck(files.serverTrustDomain())).build();
    this.keyManager = files.hasIdentity() ? new AdvancedTlsX509KeyManager() : null;
    caStamp = Stamp.of(files.caBundle());
    loadCa();
    if (keyManager != null) {
      identityStamp = Stamp.of(files.certChain()).and(Stamp.of(files.privateKey()));
      loadIdentity();
    }
    long period = files.reloadPeriod().toMillis();
    this.watcher = RELOADS.scheduleWithFixedDelay(this::reloadIfChanged, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Reads {@code files} and starts watching them.
   *
   * @throws IllegalArgumentException naming the file and the problem: missing, unreadable, not PEM,
   *     a key that does not match the certificate (an expired certificate is only logged)
   */
  public static TlsMaterial load(TlsFiles files) {
    X509Certificate[] ca = certificates(files.caBundle(), "CA bundle (--tls-ca)");
    if (ca.length == 0) {
      throw new IllegalArgumentException(files.caBundle() + ": no certificate in it (expected: the CA bundle in PEM, --tls-ca)");
    }
    if (files.hasIdentity()) {
      X509Certificate[] chain = certificates(files.certChain(), "certificate chain (--tls-cert)");
      if (chain.length == 0) {
        throw new IllegalArgumentException(files.certChain() + ": no certificate in it (expected: a PEM certificate chain, --tls-cert)");
      }
      PrivateKey key = privateKey(files.privateKey());
      if (!matches(chain[0], key)) {
        throw new IllegalArgumentException(files.privateKey() + ": this key does not belong to the certificate in "
            + files.certChain() + " (pass the key issued with it)");
      }
      warnIfReadableByOthers(files.privateKey());
      // a warning, not a refusal: a renewal (cert-manager) may be on its way and is picked up on reload
      Instant now = Clock.systemUTC().instant();
      if (chain[0].getNotAfter().toInstant().isBefore(now)) {
        log.warn("{}: the certificate expired at {}; peers will refuse it until it is replaced (baton certs issue)",
            files.certChain(), chain[0].getNotAfter().toInstant());
      }
    }
    try {
      return new TlsMaterial(files);
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot load TLS material (" + files + "): " + e.getMessage(), e);
    }
  }

  public TlsFiles files() {
    return files;
  }

  /**
   * Credentials for a server presenting this certificate. Client certificates are optional at the
   * TLS layer (people may authenticate with bearer tokens instead) but must chain to the CA bundle
   * when presented; the server's interceptors decide what each caller may do.
   */
  public ServerCredentials serverCredentials() {
    return serverCredentials(TlsServerCredentials.ClientAuth.OPTIONAL);
  }

  /** Like {@link #serverCredentials()} with {@code clientAuth} (REQUIRE: only callers with certificates). */
  public ServerCredentials serverCredentials(TlsServerCredentials.ClientAuth clientAuth) {
    if (keyManager == null) {
      throw new IllegalStateException("a TLS server needs a certificate and key (pass --tls-cert and --tls-key)");
    }
    return TlsServerCredentials.newBuilder().keyManager(keyManager).trustManager(clientVerifier)
        .clientAuth(clientAuth).build();
  }

  /** Credentials for a client: its certificate when it has one, servers verified against the bundle and by host name. */
  public ChannelCredentials channelCredentials() {
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(serverVerifier);
    if (keyManager != null) {
      b.keyManager(keyManager);
    }
    return b.build();
  }

  /**
   * A JDK {@link SSLContext} on the same reloading material, for non-gRPC servers and clients (the
   * master's git HTTP server). Servers using it verify clients by chain only; clients verify host names.
   */
  public SSLContext sslContext(boolean server) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keyManager == null ? null : new KeyManager[] {keyManager},
          new TrustManager[] {server ? clientVerifier : serverVerifier}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no TLS context: " + e.getMessage(), e);
    }
  }

  /** Server side of {@link Security}: TLS with this certificate and {@code interceptors} (authentication first). */
  public ServerSecurity serverSecurity(List<ServerInterceptor> interceptors) {
    return new ServerSecurity(serverCredentials(), interceptors, false);
  }

  /** Client side of {@link Security}: TLS with this certificate (if any) and {@code callCredentials} (null: none). */
  public ClientSecurity clientSecurity(CallCredentials callCredentials) {
    return new ClientSecurity(channelCredentials(), callCredentials);
  }

  /**
   * TLS both ways, every authenticated TLS caller trusted ({@link OpenAccess}): transport security
   * without authorization. Processes with roles and tokens put their own interceptors in with
   * {@link #serverSecurity(List)}.
   */
  public Security security() {
    return new Security(serverSecurity(List.of(OpenAccess.INSTANCE)), clientSecurity(null));
  }

  /** Stops watching the files; credentials made from this material keep their last certificates. */
  @Override
  public void close() {
    watcher.cancel(false);
  }

  private void reloadIfChanged() {
    try {
      Stamp ca = Stamp.of(files.caBundle());
      if (!ca.equals(caStamp)) {
        loadCa();
        caStamp = ca;
        log.info("reloaded the CA bundle {}", files.caBundle());
      }
      if (keyManager != null) {
        Stamp id = Stamp.of(files.certChain()).and(Stamp.of(files.privateKey()));
        if (!id.equals(identityStamp)) {
          loadIdentity();
          identityStamp = id;
          log.info("reloaded the certificate {} and key {}", files.certChain(), files.privateKey());
        }
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      // a half-written or removed file: keep the previous material and try again next period
      log.warn("cannot reload TLS material ({}); keeping the previous certificates", e.getMessage());
    }
  }

  private void loadCa() throws GeneralSecurityException, IOException {
    X509Certificate[] ca = certificates(files.caBundle(), "CA bundle (--tls-ca)");
    clientVerifier.updateTrustCredentials(ca);
    serverVerifier.updateTrustCredentials(ca);
  }

  private void loadIdentity() throws GeneralSecurityException {
    X509Certificate[] chain = certificates(files.certChain(), "certificate chain (--tls-cert)");
    PrivateKey key = privateKey(files.privateKey());
    if (chain.length == 0 || !matches(chain[0], key)) {
      // the key and the certificate are written one after the other: wait for the pair
      throw new GeneralSecurityException(files.privateKey() + " does not match " + files.certChain() + " (yet)");
    }
    keyManager.updateIdentityCredentials(chain, key);
  }

  private static X509Certificate[] certificates(Path file, String what) {
    try (InputStream in = Files.newInputStream(file)) {
      return CertificateUtils.getX509Certificates(in);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file (expected: the " + what + " in PEM)");
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(file + ": not a PEM " + what + ": " + e.getMessage());
    }
  }

  private static PrivateKey privateKey(Path file) {
    try {
      return (PrivateKey) CertificateAuthority.readPem(file, "private key (--tls-key)");
    } catch (ClassCastException e) {
      throw new IllegalArgumentException(file + ": holds a certificate, not a private key (--tls-key)");
    }
  }

  /** A key others may read is logged, not refused: a Kubernetes secret mount is 0644 unless defaultMode says otherwise. */
  private static void warnIfReadableByOthers(Path key) {
    try {
      var perms = Files.getPosixFilePermissions(key);
      if (perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
        log.warn("{}: the private key is readable by every user of this machine (chmod 600 it, or set the"
            + " secret volume's defaultMode to 0400)", key);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // not a POSIX file system: nothing to check
    }
  }

  /** True when {@code key} signs for {@code cert}'s public key: a signature made with it verifies. */
  private static boolean matches(X509Certificate cert, PrivateKey key) {
    try {
      String alg = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
      java.security.Signature sign = java.security.Signature.getInstance(alg);
      sign.initSign(key);
      byte[] probe = "baton".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      sign.update(probe);
      byte[] sig = sign.sign();
      java.security.Signature verify = java.security.Signature.getInstance(alg);
      verify.initVerify(cert.getPublicKey());
      verify.update(probe);
      return verify.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** A file's modification time and size: what tells a rewrite apart, as grpc-java's own watcher does. */
  private record Stamp(long modified, long size, Stamp next) {
    static Stamp of(Path file) throws IOException {
      return new Stamp(Files.getLastModifiedTime(file).toMillis(), Files.size(file), null);
    }

    Stamp and(Stamp other) {
      return new Stamp(modified, size, other);
    }
  }
}
