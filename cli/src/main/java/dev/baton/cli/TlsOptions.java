package dev.baton.cli;

import dev.baton.runtime.security.BindGuard;
import dev.baton.runtime.security.ClientSecurity;
import dev.baton.runtime.security.OpenAccess;
import dev.baton.runtime.security.Security;
import dev.baton.runtime.security.ServerSecurity;
import dev.baton.runtime.security.tls.TlsFiles;
import dev.baton.runtime.security.tls.TlsMaterial;
import io.grpc.InsecureServerCredentials;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --tls-cert}, {@code --tls-key}, {@code --tls-ca} and {@code --insecure} of the servers
 * ({@code baton master}, {@code baton orchestrator}): the process's certificate, its key and the CA
 * bundle its peers chain to, all PEM, re-read when they change. Without them a server serves
 * plaintext, which it does only on loopback unless {@code --insecure} is given.
 */
final class TlsOptions {
  @Option(names = "--tls-cert", paramLabel = "FILE", defaultValue = "${env:BATON_TLS_CERT}",
      description = "This process's certificate chain, PEM (default: $BATON_TLS_CERT); reloaded when the file changes.")
  Path cert;

  @Option(names = "--tls-key", paramLabel = "FILE", defaultValue = "${env:BATON_TLS_KEY}",
      description = "The certificate's private key, PEM: PKCS#8 or SEC1, unencrypted (default: $BATON_TLS_KEY).")
  Path key;

  @Option(names = "--tls-ca", paramLabel = "FILE", defaultValue = "${env:BATON_TLS_CA}",
      description = "CA bundle, PEM, that clients' and peers' certificates must chain to (default: $BATON_TLS_CA).")
  Path ca;

  @Option(names = "--tls-server-identity", paramLabel = "hostname|spiffe",
      defaultValue = "${env:BATON_TLS_SERVER_IDENTITY:-hostname}",
      description = "How this process checks the servers it dials: hostname (the dialled host must be in the"
          + " certificate's DNS/IP names) or spiffe (the certificate must carry a spiffe://<trust domain>/ identity;"
          + " for pods dialled at IPs no certificate names, as in Kubernetes) (default: $BATON_TLS_SERVER_IDENTITY,"
          + " else hostname).")
  String serverIdentity = "hostname";

  @Option(names = "--insecure",
      description = "Serve plaintext on an interface other than loopback (logged as a warning on every start);"
          + " without TLS flags a server refuses to bind anything but 127.0.0.1/::1/localhost.")
  boolean insecure;

  /** The files, or null for plaintext; exit 2 naming what is missing when only some are given. */
  TlsFiles files() {
    if (cert == null && key == null && ca == null) {
      return null;
    }
    if (insecure) {
      throw CliException.invalidInput("--insecure with --tls-cert/--tls-key/--tls-ca (expected: one of them;"
          + " TLS flags may come from $BATON_TLS_CERT, $BATON_TLS_KEY, $BATON_TLS_CA)");
    }
    if (cert == null || key == null || ca == null) {
      throw CliException.invalidInput("TLS needs --tls-cert, --tls-key and --tls-ca together (missing: "
          + String.join(", ", missing()) + ")");
    }
    return TlsFiles.of(cert, key, ca);
  }

  private List<String> missing() {
    List<String> m = new java.util.ArrayList<>();
    if (cert == null) {
      m.add("--tls-cert");
    }
    if (key == null) {
      m.add("--tls-key");
    }
    if (ca == null) {
      m.add("--tls-ca");
    }
    return m;
  }

  /**
   * The server's security for listening on {@code host}: TLS from the files, or plaintext (every
   * caller trusted), refused on a non-loopback {@code host} unless {@code --insecure}.
   */
  Security security(String host) {
    return security(host, dev.baton.runtime.security.auth.AuthSettings.defaults());
  }

  /**
   * As {@link #security(String)}, with every call checked ({@code auth}'s interceptors) when the
   * server runs TLS or has tokens configured; a plaintext server without tokens trusts every caller.
   */
  Security security(String host, dev.baton.runtime.security.auth.AuthSettings auth) {
    TlsFiles files = files();
    java.util.List<io.grpc.ServerInterceptor> checks;
    try {
      checks = files == null && !auth.hasTokens() ? List.of(OpenAccess.INSTANCE) : auth.interceptors();
    } catch (IllegalArgumentException e) {
      throw CliException.invalidInput(e.getMessage());
    }
    if (files == null) {
      try {
        BindGuard.check("server", host, 0, true, insecure);
      } catch (IllegalStateException e) {
        throw CliException.invalidInput(e.getMessage().replace(":0 ", " "));
      }
      return new Security(new ServerSecurity(InsecureServerCredentials.create(), checks, insecure),
          ClientSecurity.plaintext());
    }
    switch (serverIdentity) {
      case "hostname" -> { }
      case "spiffe" -> files = files.withServerTrustDomain(auth.trustDomain());
      default -> throw CliException.invalidInput("--tls-server-identity: '" + serverIdentity
          + "' (expected: hostname or spiffe)");
    }
    TlsMaterial material = load(files);
    return new Security(material.serverSecurity(checks), material.clientSecurity(null));
  }

  /** Reads TLS files; exit 2 with one line naming the file and the problem. */
  static TlsMaterial load(TlsFiles files) {
    try {
      return TlsMaterial.load(files);
    } catch (IllegalArgumentException e) {
      throw CliException.invalidInput(e.getMessage());
    }
  }
}
