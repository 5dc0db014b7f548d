package dev.baton.runtime.security;

import io.grpc.Context;
import java.util.EnumSet;
import java.util.Set;

/**
 * The caller of an RPC, as authenticated by the server's interceptors and attached to the call's
 * {@link Context} under {@link #KEY}: handlers read it with {@link #current()}.
 *
 * @param subject who: a certificate's identity ({@code spiffe://baton/orchestrator/backend}) or a
 *     token's subject ({@code alice}); {@code local} in an open server, empty for an anonymous one
 * @param roles what it may do
 * @param domain for an orchestrator, the domain its identity names ({@code backend}); else empty
 * @param source how it was established
 */
public record Principal(String subject, Set<Role> roles, String domain, Source source) {
  /** Where a principal's identity came from. */
  public enum Source {
    /** A client certificate verified by mutual TLS. */
    CERTIFICATE,
    /** A bearer token (JWT or static). */
    TOKEN,
    /** An open server (loopback, no TLS, no tokens configured): every caller is trusted. */
    OPEN,
    /** No credentials. */
    NONE
  }

  /** The call's principal, set by the server's authenticating interceptor. */
  public static final Context.Key<Principal> KEY = Context.key("baton-principal");

  /** Every caller of an open server: all roles. */
  public static final Principal OPEN = new Principal("local", EnumSet.allOf(Role.class), "", Source.OPEN);

  /** A caller without credentials: no roles. */
  public static final Principal ANONYMOUS = new Principal("", Set.of(), "", Source.NONE);

  public Principal {
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    domain = domain == null ? "" : domain;
  }

  /** The principal of the current call; {@link #ANONYMOUS} outside an authenticated call. */
  public static Principal current() {
    Principal p = KEY.get();
    return p == null ? ANONYMOUS : p;
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  /** For logs and messages: the subject, or {@code anonymous}. */
  public String display() {
    return subject.isEmpty() ? "anonymous" : subject;
  }
}
