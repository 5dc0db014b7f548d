package dev.baton.runtime.security;

import dev.baton.runtime.server.Keepalive;
import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;

/**
 * How a client dials Baton's servers: the transport's credentials (TLS with its own certificate for
 * orchestrators and masters, TLS without one for people, or plaintext) and the call credentials
 * (a bearer token) every call carries. One instance serves every channel of a process.
 *
 * @param credentials plaintext ({@link InsecureChannelCredentials}) or TLS
 * @param callCredentials a bearer token for every call; null for none
 */
public record ClientSecurity(ChannelCredentials credentials, CallCredentials callCredentials) {
  /** Plaintext, no token. */
  public static ClientSecurity plaintext() {
    return new ClientSecurity(InsecureChannelCredentials.create(), null);
  }

  /**
   * A Netty channel builder for {@code target} with these credentials, Baton's keepalive and the
   * trace-context interceptor (W3C traceparent of the caller's span in every call's metadata).
   */
  public NettyChannelBuilder nettyBuilder(String target) {
    ChannelCredentials creds = callCredentials == null ? credentials
        : CompositeChannelCredentials.create(credentials, callCredentials);
    // gRPC's own client metrics when the process serves /metrics (a no-op otherwise), and the W3C
    // trace context of the current span on every call (a no-op with tracing off).
    return dev.baton.runtime.metrics.GrpcMetrics.client(Keepalive.client(NettyChannelBuilder.forTarget(target, creds)))
        .intercept(dev.baton.runtime.telemetry.TracingInterceptors.client());
  }

  /** True when the transport is plaintext. */
  public boolean isPlaintext() {
    return credentials instanceof InsecureChannelCredentials;
  }
}
