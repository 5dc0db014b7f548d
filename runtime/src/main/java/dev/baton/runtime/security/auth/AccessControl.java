package dev.baton.runtime.security.auth;

import dev.baton.runtime.security.Principal;
import dev.baton.runtime.security.Role;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides every call from {@link AccessRules}: a public method passes, an anonymous caller of any
 * other is UNAUTHENTICATED, a caller without one of the method's roles PERMISSION_DENIED naming
 * the roles needed and those held; a method without a row is refused. Each refusal is audited.
 * Runs after {@link Authenticator}, which set the call's principal.
 */
public final class AccessControl implements ServerInterceptor {
  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Principal caller = Principal.current();
    Status refusal = decide(method, caller);
    if (refusal == null) {
      return next.startCall(call, headers);
    }
    Audit.denied(method, caller, Authenticator.remote(call), refusal.getDescription());
    call.close(refusal, new Metadata());
    return new ServerCall.Listener<>() { };
  }

  /** Null when {@code caller} may call {@code method}; else the refusal. */
  public static Status decide(String method, Principal caller) {
    Set<Role> needed = AccessRules.required(method).orElse(null);
    if (needed == null) {
      return Status.PERMISSION_DENIED.withDescription(method + " has no access rule, so nobody may call it"
          + " (a server of another version? see docs/security.md)");
    }
    if (needed.isEmpty()) {
      return null;
    }
    if (caller.source() == Principal.Source.NONE) {
      return Status.UNAUTHENTICATED.withDescription(method + " needs credentials: a bearer token (--token,"
          + " BATON_TOKEN or --token-file) or a client certificate (role " + names(needed) + ")");
    }
    Set<Role> held = AccessRules.effective(caller.roles());
    if (needed.stream().anyMatch(held::contains)) {
      return null;
    }
    return Status.PERMISSION_DENIED.withDescription(method + " needs role " + names(needed) + "; "
        + caller.display() + " has " + (caller.roles().isEmpty() ? "no role" : names(caller.roles())));
  }

  private static String names(Set<Role> roles) {
    return roles.stream().map(Role::wireName).sorted().collect(Collectors.joining(" or "))
        .toLowerCase(Locale.ROOT);
  }
}
