package dev.baton.runtime.server;

import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/2 keepalive shared by every Baton client and server, so both sides agree (see
 * docs/coordination-protocol.md). A client pings an idle connection every {@link #CLIENT_TIME} and
 * gives up after {@link #CLIENT_TIMEOUT} without an answer: a dead master is detected within 15 s
 * even on a stream idle for hours. The server permits pings every {@link #PERMIT_TIME} (half the
 * client's interval, so timer jitter never earns a GOAWAY "too_many_pings") and pings idle clients
 * itself every {@link #SERVER_TIME}, dropping those that do not answer in {@link #SERVER_TIMEOUT}.
 * No max-idle or max-age is set: a Coordinate stream is meant to live as long as the process.
 */
public final class Keepalive {
  public static final Duration CLIENT_TIME = Duration.ofSeconds(10);
  public static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration PERMIT_TIME = Duration.ofSeconds(5);
  public static final Duration SERVER_TIME = Duration.ofSeconds(30);
  public static final Duration SERVER_TIMEOUT = Duration.ofSeconds(5);

  private Keepalive() {}

  public static NettyChannelBuilder client(NettyChannelBuilder builder) {
    return builder
        .keepAliveTime(CLIENT_TIME.toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveWithoutCalls(true);
  }

  public static NettyServerBuilder server(NettyServerBuilder builder) {
    return builder
        .permitKeepAliveTime(PERMIT_TIME.toMillis(), TimeUnit.MILLISECONDS)
        .permitKeepAliveWithoutCalls(true)
        .keepAliveTime(SERVER_TIME.toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(SERVER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }
}
