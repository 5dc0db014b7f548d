package dev.baton.runtime.security.auth;

import dev.baton.runtime.security.Principal;
import dev.baton.runtime.security.Role;
import dev.baton.runtime.security.tls.Certificates;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * Establishes each call's {@link Principal} and attaches it under {@link Principal#KEY}:
 *
 * <ol>
 *   <li>a bearer token ({@code authorization: Bearer T}): a static token of the callers file, else a
 *       JWT verified by {@link JwtVerifier}; a token that is neither is UNAUTHENTICATED at once (never
 *       quietly anonymous);
 *   <li>else the client certificate TLS verified: its URI SAN {@code spiffe://<trust
 *       domain>/orchestrator/<domain>} is an orchestrator of that domain, {@code .../master} the
 *       master, and any identity the callers file lists has the roles it gives;
 *   <li>else {@link Principal#ANONYMOUS}: {@link AccessControl} lets it reach public methods only.
 * </ol>
 */
public final class Authenticator implements ServerInterceptor {
  /** The header a bearer token travels in. */
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  /** Longest token looked at. */
  public static final int MAX_TOKEN_CHARS = 16 * 1024;

  private final String trustDomain;
  private final Callers callers;
  private final JwtVerifier jwt;

  /**
   * @param trustDomain the SPIFFE trust domain of orchestrator and master certificates ({@code baton})
   * @param callers static tokens and certificate identities with roles
   * @param jwt null when no JWKS is configured
   */
  public Authenticator(String trustDomain, Callers callers, JwtVerifier jwt) {
    this.trustDomain = trustDomain;
    this.callers = callers;
    this.jwt = jwt;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    Principal principal;
    try {
      principal = authenticate(headers.get(AUTHORIZATION), call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    } catch (IllegalArgumentException e) {
      Audit.denied(call.getMethodDescriptor().getFullMethodName(), Principal.ANONYMOUS, remote(call), e.getMessage());
      call.close(Status.UNAUTHENTICATED.withDescription(e.getMessage()), new Metadata());
      return new ServerCall.Listener<>() { };
    }
    return Contexts.interceptCall(Context.current().withValue(Principal.KEY, principal), call, headers, next);
  }

  static String remote(ServerCall<?, ?> call) {
    Object a = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    return a == null ? "" : a.toString();
  }

  /**
   * The principal of a call with this {@code authorization} header (null: none) over this TLS
   * session (null: plaintext).
   *
   * Public for the master's dashboard HTTP server, which authenticates its requests the same way.
   *
   * @throws IllegalArgumentException for a token that is malformed, unknown or fails verification
   */
  public Principal authenticate(String authorization, SSLSession session) {
    if (authorization != null) {
      return fromToken(authorization);
    }
    if (session != null) {
      Optional<Principal> p = fromCertificate(session);
      if (p.isPresent()) {
        return p.get();
      }
    }
    return Principal.ANONYMOUS;
  }

  private Principal fromToken(String authorization) {
    if (authorization.length() > MAX_TOKEN_CHARS) {
      throw new IllegalArgumentException("the authorization header is longer than " + MAX_TOKEN_CHARS + " characters");
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() == 7) {
      throw new IllegalArgumentException("the authorization header is not 'Bearer <token>'");
    }
    String token = authorization.substring(7).strip();
    Optional<Callers.Caller> known = callers.byToken(token);
    if (known.isPresent()) {
      Callers.Caller c = known.get();
      return new Principal(c.subject(), c.roles(), c.domain(), Principal.Source.TOKEN);
    }
    if (jwt != null && token.chars().filter(ch -> ch == '.').count() == 2) {
      try {
        JwtVerifier.Verified v = jwt.verify(token);
        return new Principal(v.subject(), v.roles(), "", Principal.Source.TOKEN);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the bearer token is refused: " + e.getMessage());
      }
    }
    throw new IllegalArgumentException("the bearer token is not one this server knows (expected: a token of its"
        + " --tokens file" + (jwt == null ? "" : " or a JWT signed by a key of its --jwks file") + ")");
  }

  private Optional<Principal> fromCertificate(SSLSession session) {
    List<String> sans = Certificates.uriSans(session);
    String prefix = "spiffe://" + trustDomain + "/";
    for (String san : sans) {
      Optional<Callers.Caller> listed = callers.byIdentity(san);
      if (listed.isPresent()) {
        Callers.Caller c = listed.get();
        return Optional.of(new Principal(san, c.roles(), c.domain(), Principal.Source.CERTIFICATE));
      }
      if (!san.startsWith(prefix)) {
        continue;
      }
      String path = san.substring(prefix.length());
      if (path.equals("master")) {
        return Optional.of(new Principal(san, EnumSet.of(Role.MASTER), "", Principal.Source.CERTIFICATE));
      }
      if (path.matches("orchestrator/[a-z][a-z0-9-]{0,62}")) {
        return Optional.of(new Principal(san, EnumSet.of(Role.ORCHESTRATOR), path.substring("orchestrator/".length()),
            Principal.Source.CERTIFICATE));
      }
    }
    // A verified certificate without a role: known, but allowed nothing beyond public methods.
    return sans.isEmpty() ? Optional.empty()
        : Optional.of(new Principal(sans.get(0), EnumSet.noneOf(Role.class), "", Principal.Source.CERTIFICATE));
  }
}
