package dev.baton.master.dashboard.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import dev.baton.runtime.security.OpenAccess;
import dev.baton.runtime.security.Principal;
import dev.baton.runtime.security.auth.Audit;
import dev.baton.runtime.security.auth.Authenticator;
import io.grpc.ServerInterceptor;
import java.util.List;
import javax.net.ssl.SSLSession;

/**
 * Who sent a request, established exactly as the gRPC server does it (the same {@link Authenticator}
 * of the master's {@code ServerSecurity}): a bearer token from the {@code Authorization} header or the
 * {@code baton_token} cookie, else the verified client certificate, else anonymous. An open master
 * ({@link OpenAccess}) trusts every caller. Stateless and thread-safe.
 */
final class HttpAuth {
  static final String COOKIE = "baton_token";
  /** Longest Cookie header looked at (a JWT and a few others fit). */
  static final int MAX_COOKIE_CHARS = 32 * 1024;

  private final boolean open;
  private final Authenticator authenticator;
  private final boolean https;

  HttpAuth(List<ServerInterceptor> interceptors, boolean https) {
    this.open = interceptors.stream().anyMatch(i -> i instanceof OpenAccess);
    this.authenticator = interceptors.stream().filter(i -> i instanceof Authenticator)
        .map(i -> (Authenticator) i).findFirst().orElse(null);
    this.https = https;
  }

  /** True when every caller is trusted (no TLS client checks, no tokens). */
  boolean open() {
    return open;
  }

  /**
   * The request's principal.
   *
   * @throws ApiError 401 for a token that is malformed or unknown (audited), never quietly anonymous
   */
  Principal principal(HttpExchange ex, String what) {
    if (open) {
      return Principal.OPEN;
    }
    if (authenticator == null) {
      return Principal.ANONYMOUS;
    }
    String authorization = ex.getRequestHeaders().getFirst("Authorization");
    if (authorization == null) {
      String token = cookie(ex);
      authorization = token == null ? null : "Bearer " + token;
    }
    SSLSession session = ex instanceof HttpsExchange s ? s.getSSLSession() : null;
    try {
      return authenticator.authenticate(authorization, session);
    } catch (IllegalArgumentException e) {
      Audit.denied(what, Principal.ANONYMOUS, remote(ex), e.getMessage());
      throw new ApiError(401, "UNAUTHENTICATED", e.getMessage());
    }
  }

  /** The principal a token alone stands for (login); 401 when it is unknown. */
  Principal byToken(HttpExchange ex, String token) {
    if (open) {
      return Principal.OPEN;
    }
    if (authenticator == null) {
      throw new ApiError(401, "UNAUTHENTICATED", "this master takes no tokens");
    }
    try {
      return authenticator.authenticate("Bearer " + token, null);
    } catch (IllegalArgumentException e) {
      Audit.denied("dashboard POST /api/login", Principal.ANONYMOUS, remote(ex), e.getMessage());
      throw new ApiError(401, "UNAUTHENTICATED", e.getMessage());
    }
  }

  /** The {@code Set-Cookie} value that keeps {@code token} for this origin's later requests. */
  String loginCookie(String token) {
    return COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict" + (https ? "; Secure" : "");
  }

  String logoutCookie() {
    return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (https ? "; Secure" : "");
  }

  static String remote(HttpExchange ex) {
    return ex.getRemoteAddress() == null ? "" : ex.getRemoteAddress().toString();
  }

  private static String cookie(HttpExchange ex) {
    List<String> headers = ex.getRequestHeaders().get("Cookie");
    if (headers == null) {
      return null;
    }
    for (String header : headers) {
      if (header.length() > MAX_COOKIE_CHARS) {
        throw ApiError.badRequest("the Cookie header is longer than " + MAX_COOKIE_CHARS + " characters");
      }
      for (String part : header.split(";")) {
        String p = part.strip();
        if (p.startsWith(COOKIE + "=")) {
          String v = p.substring(COOKIE.length() + 1);
          return v.isEmpty() ? null : v;
        }
      }
    }
    return null;
  }
}
