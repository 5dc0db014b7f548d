package dev.baton.runtime.security.tls;

import dev.baton.runtime.security.ClientSecurity;
import dev.baton.runtime.security.Security;
import dev.baton.runtime.security.ServerSecurity;
import io.grpc.ServerInterceptor;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A CA and certificates in a test's temporary directory, and {@link Security} built on them. Material
 * it loads is watched every {@link #RELOAD} (so rotation tests see new files quickly) and unwatched
 * at {@link #close()}. Shared with other modules' tests through runtime's test-jar.
 *
 * <pre>{@code
 * try (TestPki pki = TestPki.create(tempDir)) {
 *   Security master = pki.security(TestPki.MASTER);
 *   Security backend = pki.security(TestPki.orchestrator("backend"));
 * }
 * }</pre>
 */
public final class TestPki implements AutoCloseable {
  public static final String MASTER = "spiffe://baton/master";
  public static final Duration RELOAD = Duration.ofMillis(100);

  private final Path dir;
  private final CertificateAuthority ca;
  private final List<TlsMaterial> loaded = new ArrayList<>();

  private TestPki(Path dir, CertificateAuthority ca) {
    this.dir = dir;
    this.ca = ca;
  }

  /** A new CA for trust domain {@code baton} in {@code dir}. */
  public static TestPki create(Path dir) {
    return new TestPki(dir, CertificateAuthority.create(dir, "baton"));
  }

  /** {@code spiffe://baton/orchestrator/<domain>}. */
  public static String orchestrator(String domain) {
    return "spiffe://baton/orchestrator/" + domain;
  }

  /** {@code spiffe://baton/user/<name>}. */
  public static String user(String name) {
    return "spiffe://baton/user/" + name;
  }

  public CertificateAuthority ca() {
    return ca;
  }

  public Path dir() {
    return dir;
  }

  /** A certificate for {@code identity} (localhost, 127.0.0.1, ::1; valid a year), reloaded every {@link #RELOAD}. */
  public TlsFiles issue(String identity) {
    return issue(CertificateRequest.forIdentity(identity));
  }

  /** A certificate for {@code request}, in files named after its identity and serial-free (reissuing overwrites). */
  public TlsFiles issue(CertificateRequest request) {
    String name = request.identity().toString().replaceAll("[^A-Za-z0-9.-]+", "_");
    return ca.issue(request, dir.resolve(name)).withReloadPeriod(RELOAD);
  }

  /** A certificate for {@code identity} that expired an hour ago. */
  public TlsFiles issueExpired(String identity) {
    Instant now = Instant.now();
    return issue(CertificateRequest.forIdentity(identity)
        .withValidity(now.minus(Duration.ofDays(2)), now.minus(Duration.ofHours(1))));
  }

  /** Loads {@code files}, closed with this PKI. */
  public TlsMaterial load(TlsFiles files) {
    TlsMaterial material = TlsMaterial.load(files);
    synchronized (loaded) {
      loaded.add(material);
    }
    return material;
  }

  /** TLS both ways as {@code identity}, every TLS caller trusted (no authorization). */
  public Security security(String identity) {
    return load(issue(identity)).security();
  }

  /** TLS server as {@code identity} with {@code interceptors} (authentication first). */
  public ServerSecurity server(String identity, List<ServerInterceptor> interceptors) {
    return load(issue(identity)).serverSecurity(interceptors);
  }

  /** A client presenting {@code identity}'s certificate. */
  public ClientSecurity client(String identity) {
    return load(issue(identity)).clientSecurity(null);
  }

  /** A client that trusts this CA and presents no certificate (a person with a token, or nobody). */
  public ClientSecurity anonymousClient() {
    return load(TlsFiles.trustOnly(ca.certificateFile()).withReloadPeriod(RELOAD)).clientSecurity(null);
  }

  @Override
  public void close() {
    synchronized (loaded) {
      loaded.forEach(TlsMaterial::close);
      loaded.clear();
    }
  }
}
