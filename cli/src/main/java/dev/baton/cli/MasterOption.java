package dev.baton.cli;

import dev.baton.runtime.security.ClientSecurity;
import dev.baton.runtime.security.tls.TlsFiles;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --master host:port[,host:port...]} (repeatable), {@code --retry-for} and {@code --tls-ca}
 * (with an optional {@code --tls-cert}/{@code --tls-key}): where the client commands find the masters,
 * how long they keep trying them ({@link LeaderFollower}) and how they secure the connection.
 */
final class MasterOption {
  static final String DEFAULT_ADDRESS = "127.0.0.1:7233";

  @Option(
      names = "--master",
      paramLabel = "HOST:PORT[,...]",
      defaultValue = "${env:BATON_MASTER:-" + DEFAULT_ADDRESS + "}",
      description = {
        "The masters, tried in order; writes go to the leader, reads to any. Comma-separated or repeated, at most "
            + MasterAddresses.MAX + "; a DNS name resolving to several masters (a Kubernetes headless Service) counts"
            + " as one (default: $BATON_MASTER or ${DEFAULT-VALUE})."
      })
  List<String> addresses;

  @Option(
      names = "--retry-for",
      paramLabel = "DURATION",
      defaultValue = "60s",
      description = "How long to keep trying when no master answers or none leads, after the first failure: e.g. 30s,"
          + " 2m, 500ms; 0 tries each master once; at most 1h (default: ${DEFAULT-VALUE}).")
  String retryFor;

  @Option(names = "--tls-ca", paramLabel = "FILE", defaultValue = "${env:BATON_TLS_CA}",
      description = "Dial the masters over TLS, verifying them against this CA bundle, PEM (default: $BATON_TLS_CA;"
          + " none: plaintext).")
  Path tlsCa;

  @Option(names = "--tls-cert", paramLabel = "FILE", defaultValue = "${env:BATON_TLS_CERT}",
      description = "A client certificate to present, PEM (default: $BATON_TLS_CERT); optional with --tls-ca.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", defaultValue = "${env:BATON_TLS_KEY}",
      description = "The client certificate's private key, PEM (default: $BATON_TLS_KEY).")
  Path tlsKey;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:BATON_TOKEN}",
      description = "A bearer token for every call (default: $BATON_TOKEN); sent over TLS, or in plaintext to loopback only.")
  String token;

  @Option(names = "--token-file", paramLabel = "FILE", description = "Read the bearer token from this file (first line).")
  Path tokenFile;

  MasterClient connect() {
    List<HostPort> parsed = MasterAddresses.parse("--master", addresses);
    return MasterClient.connect(parsed,
        RetryPolicy.DEFAULT.withRetryFor(RetryPolicy.parseRetryFor("--retry-for", retryFor)), security());
  }

  /** Plaintext without --tls-ca; else TLS, with the client certificate when one is given. */
  ClientSecurity security() {
    ClientSecurity transport = clientSecurity(tlsCert, tlsKey, tlsCa);
    String t = token();
    return t == null ? transport : new ClientSecurity(transport.credentials(), new dev.baton.runtime.security.BearerToken(t));
  }

  /** The token of --token-file, else --token / $BATON_TOKEN, else null; exit 2 for an unreadable or empty file. */
  private String token() {
    if (tokenFile != null) {
      try {
        String first = java.nio.file.Files.readAllLines(tokenFile).stream().findFirst().orElse("").strip();
        if (first.isEmpty()) {
          throw CliException.invalidInput("--token-file " + tokenFile + ": empty (expected: the token on its first line)");
        }
        return first;
      } catch (java.io.IOException e) {
        throw CliException.invalidInput("--token-file " + tokenFile + ": cannot read it (" + e.getMessage() + ")");
      }
    }
    return token == null || token.isBlank() ? null : token;
  }

  static ClientSecurity clientSecurity(Path cert, Path key, Path ca) {
    if (ca == null) {
      if (cert != null || key != null) {
        throw CliException.invalidInput("--tls-cert/--tls-key without --tls-ca (expected: the CA bundle that"
            + " the masters' certificates chain to, too)");
      }
      return ClientSecurity.plaintext();
    }
    TlsFiles files;
    try {
      files = new TlsFiles(cert, key, ca, null);
    } catch (IllegalArgumentException e) {
      throw CliException.invalidInput(e.getMessage());
    }
    return TlsOptions.load(files).clientSecurity(null);
  }
}
