package dev.baton.runtime.security.auth;

import io.grpc.ServerInterceptor;
import java.nio.file.Path;
import java.util.List;

/**
 * How a server authenticates callers: the trust domain of orchestrator and master certificates, the
 * callers file (static tokens, certificate identities with roles) and a JWKS file for JWTs. A
 * server with TLS, or with a callers file or JWKS, checks every call ({@link #interceptors});
 * one with neither, on loopback, is open (docs/security.md, "Open servers").
 *
 * @param trustDomain SPIFFE trust domain, default {@value #DEFAULT_TRUST_DOMAIN}
 * @param callersFile null for none
 * @param jwt null for none
 */
public record AuthSettings(String trustDomain, Path callersFile, JwtVerifier.Settings jwt) {
  public static final String DEFAULT_TRUST_DOMAIN = "baton";

  public AuthSettings {
    trustDomain = trustDomain == null || trustDomain.isBlank() ? DEFAULT_TRUST_DOMAIN : trustDomain.strip();
    if (!trustDomain.matches("[a-z0-9.-]{1,255}")) {
      throw new IllegalArgumentException("trust domain '" + trustDomain
          + "' (expected: lower-case letters, digits, '.' and '-', e.g. baton or example.org)");
    }
  }

  /** Certificates of trust domain {@code baton}, no callers file, no JWT. */
  public static AuthSettings defaults() {
    return new AuthSettings(DEFAULT_TRUST_DOMAIN, null, null);
  }

  /** True when tokens are configured: a plaintext server with them checks calls too. */
  public boolean hasTokens() {
    return callersFile != null || jwt != null;
  }

  /**
   * The authenticating and deciding interceptors, in order.
   *
   * @throws IllegalArgumentException naming a file that cannot be read
   */
  public List<ServerInterceptor> interceptors() {
    Callers callers = callersFile == null ? Callers.none() : Callers.read(callersFile);
    JwtVerifier verifier = jwt == null ? null : JwtVerifier.load(jwt);
    return List.of(new Authenticator(trustDomain, callers, verifier), new AccessControl());
  }
}
