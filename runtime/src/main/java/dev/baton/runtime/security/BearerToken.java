package dev.baton.runtime.security;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import java.util.concurrent.Executor;

/**
 * A bearer token on every call ({@code authorization: Bearer T}). Sent over TLS; over plaintext
 * only when the channel's authority is loopback, so that a token never crosses a network in clear.
 */
public final class BearerToken extends CallCredentials {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final String token;

  public BearerToken(String token) {
    if (token == null || token.isBlank() || !token.strip().chars().allMatch(c -> c > 32 && c < 127)) {
      throw new IllegalArgumentException("the token is empty or holds characters other than printable ASCII");
    }
    this.token = token.strip();
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
    String authority = info.getAuthority();
    boolean loopback = authority.startsWith("127.") || authority.startsWith("localhost:") || authority.startsWith("[::1]");
    if (info.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY && !loopback) {
      applier.fail(Status.UNAUTHENTICATED.withDescription("refusing to send a bearer token in plaintext to "
          + authority + " (use TLS: --tls-ca)"));
      return;
    }
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    applier.apply(headers);
  }
}
