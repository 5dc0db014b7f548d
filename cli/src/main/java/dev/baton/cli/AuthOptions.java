package dev.baton.cli;

import dev.baton.runtime.security.auth.AuthSettings;
import dev.baton.runtime.security.auth.JwtVerifier;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How a server ({@code baton master}, {@code baton orchestrator}) authenticates callers:
 * {@code --tokens} (static bearer tokens and certificate identities with roles), {@code --jwks}
 * with {@code --jwt-issuer}/{@code --jwt-audience}/{@code --jwt-roles-claim} for JWTs, and
 * {@code --trust-domain} for orchestrator and master certificates.
 */
final class AuthOptions {
  @Option(names = "--tokens", paramLabel = "FILE", defaultValue = "${env:BATON_TOKENS_FILE}",
      description = "Callers file: static bearer tokens (their SHA-256) and certificate identities, each with roles"
          + " (default: $BATON_TOKENS_FILE; docs/security.md).")
  Path callers;

  @Option(names = "--jwks", paramLabel = "FILE", description = "Accept JWT bearer tokens signed by a key of this JWKS file.")
  Path jwks;

  @Option(names = "--jwt-public-key", paramLabel = "PEM",
      description = "Accept JWT bearer tokens signed by this public key, PEM (repeatable; with or instead of --jwks).")
  java.util.List<Path> publicKeys = new java.util.ArrayList<>();

  @Option(names = "--jwt-issuer", paramLabel = "ISS", description = "The issuer (iss) JWTs must name.")
  String issuer;

  @Option(names = "--jwt-audience", paramLabel = "AUD", description = "The audience (aud) JWTs must name.")
  String audience;

  @Option(names = "--jwt-roles-claim", paramLabel = "NAME", defaultValue = "roles",
      description = "The JWT claim holding the caller's roles (default: ${DEFAULT-VALUE}).")
  String rolesClaim;

  @Option(names = "--trust-domain", paramLabel = "NAME", defaultValue = AuthSettings.DEFAULT_TRUST_DOMAIN,
      description = "SPIFFE trust domain of orchestrator and master certificates (default: ${DEFAULT-VALUE}).")
  String trustDomain;

  AuthSettings settings() {
    boolean jwt = jwks != null || !publicKeys.isEmpty();
    if (!jwt && (issuer != null || audience != null)) {
      throw CliException.invalidInput("--jwt-issuer/--jwt-audience without --jwks or --jwt-public-key (expected: the"
          + " keys that sign the tokens)");
    }
    try {
      return new AuthSettings(trustDomain, callers,
          jwt ? new JwtVerifier.Settings(jwks, publicKeys, issuer, audience, rolesClaim) : null);
    } catch (IllegalArgumentException e) {
      throw CliException.invalidInput("--trust-domain: " + e.getMessage());
    }
  }
}
