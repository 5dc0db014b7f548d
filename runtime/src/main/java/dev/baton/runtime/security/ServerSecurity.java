package dev.baton.runtime.security;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import java.util.List;

/**
 * How a server secures its calls: the transport's credentials (TLS, or plaintext) and the
 * interceptors that establish each caller's {@link Principal} and check its roles. They run outside
 * every service's own interceptors, so no handler runs for a refused call.
 *
 * @param credentials plaintext ({@link InsecureServerCredentials}) or TLS
 * @param interceptors authentication, then authorization, then limits: the first listed runs first
 * @param insecure the operator passed {@code --insecure}: plaintext is allowed on a non-loopback
 *     address (with a warning on every start)
 */
public record ServerSecurity(ServerCredentials credentials, List<ServerInterceptor> interceptors, boolean insecure) {
  public ServerSecurity {
    interceptors = List.copyOf(interceptors);
  }

  /** Plaintext, no checks: every caller is {@link Principal#OPEN}. For loopback and in-process servers. */
  public static ServerSecurity open() {
    return new ServerSecurity(InsecureServerCredentials.create(), List.of(OpenAccess.INSTANCE), false);
  }

  /** True when the transport is plaintext. */
  public boolean isPlaintext() {
    return credentials instanceof InsecureServerCredentials;
  }
}
