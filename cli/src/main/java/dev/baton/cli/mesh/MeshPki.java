package dev.baton.cli.mesh;

import dev.baton.runtime.security.ClientSecurity;
import dev.baton.runtime.security.tls.CertificateAuthority;
import dev.baton.runtime.security.tls.CertificateRequest;
import dev.baton.runtime.security.tls.TlsFiles;
import dev.baton.runtime.security.tls.TlsMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The ephemeral PKI of a launched mesh ({@code baton up}, {@code baton demo}): a CA in the run
 * directory, a certificate for the master ({@code spiffe://baton/master}), one per orchestrator
 * ({@code spiffe://baton/orchestrator/<domain>}) and one for the local user
 * ({@code spiffe://baton/user/<login>}), each issued once and reused (a restarted master keeps its
 * certificate). Every certificate names localhost, 127.0.0.1 and ::1: the mesh listens on loopback.
 *
 * <p>Thread-safe: issuing is synchronized, so orchestrators started in parallel do not race on files.
 */
public final class MeshPki {
  public static final String TRUST_DOMAIN = "baton";
  public static final String MASTER = "spiffe://" + TRUST_DOMAIN + "/master";

  private final Path dir;
  private final CertificateAuthority ca;
  private ClientSecurity user;

  private MeshPki(Path dir, CertificateAuthority ca) {
    this.dir = dir;
    this.ca = ca;
  }

  /** A new CA in {@code dir}; or the one there already (a mesh started again in its run directory). */
  public static MeshPki in(Path dir) {
    return Files.exists(dir.resolve(CertificateAuthority.CA_CERT)) ? new MeshPki(dir, CertificateAuthority.load(dir))
        : new MeshPki(dir, CertificateAuthority.create(dir, TRUST_DOMAIN));
  }

  public Path dir() {
    return dir;
  }

  /** The CA bundle every process trusts. */
  public Path caFile() {
    return ca.certificateFile();
  }

  public synchronized TlsFiles master() {
    return issued("master", MASTER);
  }

  /** The certificate of orchestrator {@code name} (a replica's name, e.g. backend-2) of {@code domain}. */
  public synchronized TlsFiles orchestrator(String name, String domain) {
    return issued(name, "spiffe://" + TRUST_DOMAIN + "/orchestrator/" + domain);
  }

  /** The local user's certificate, for the CLI commands that dial the master. */
  public synchronized TlsFiles user() {
    return issued("user", userIdentity());
  }

  /** The file holding the local user's dashboard token (admin, like the user's certificate); readable by the owner only. */
  public Path dashboardTokenFile() {
    return dir.resolve("dashboard-token");
  }

  /** The local user's dashboard token: 32 random bytes, base64url, made once (issue 13). */
  private synchronized String dashboardToken() throws java.io.IOException {
    Path file = dashboardTokenFile();
    if (Files.exists(file)) {
      return Files.readString(file).strip();
    }
    byte[] random = new byte[32];
    new java.security.SecureRandom().nextBytes(random);
    String token = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Files.writeString(file, token + "\n");
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    return token;
  }

  /** The local user's certificate identity: {@code spiffe://baton/user/<login>}. */
  public static String userIdentity() {
    String login = System.getProperty("user.name", "user").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
    return "spiffe://" + TRUST_DOMAIN + "/user/" + (login.isEmpty() ? "user" : login);
  }

  /**
   * The master's callers file ({@code --tokens}): the local user's certificate identity with the
   * admin role, and the same identity by the token of {@link #dashboardTokenFile()} (for the web
   * dashboard, where a browser brings no client certificate), written once.
   */
  public synchronized Path callersFile() {
    Path file = dir.resolve("callers.yaml");
    if (!Files.exists(file)) {
      try {
        dev.baton.runtime.security.auth.Callers.write(file,
            List.<Object[]>of(new Object[] {userIdentity(), "admin", null},
                new Object[] {userIdentity(), "admin", dashboardToken()}));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot write " + file, e);
      }
    }
    return file;
  }

  /** How this JVM dials the mesh: TLS with the user's certificate. */
  public synchronized ClientSecurity userClient() {
    if (user == null) {
      user = TlsMaterial.load(user()).clientSecurity(null);
    }
    return user;
  }

  /** {@code --tls-cert F --tls-key F --tls-ca F} for a child's command line. */
  public static List<String> args(TlsFiles files) {
    return List.of("--tls-cert", files.certChain().toString(), "--tls-key", files.privateKey().toString(),
        "--tls-ca", files.caBundle().toString());
  }

  private TlsFiles issued(String name, String identity) {
    Path prefix = dir.resolve(name);
    Path cert = dir.resolve(name + ".pem");
    Path key = dir.resolve(name + "-key.pem");
    if (Files.exists(cert) && Files.exists(key)) {
      return TlsFiles.of(cert, key, caFile());
    }
    return ca.issue(CertificateRequest.forIdentity(identity), prefix);
  }
}
