package dev.baton.runtime.registry;

import com.google.common.net.HostAndPort;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.config.CacheConfig;
import org.kiwiproject.consul.config.ClientConfig;

/** Builds the Consul client every role uses, with Baton's timeouts. */
public final class ConsulClients {
  private ConsulClients() {}

  /**
   * A client of the agent at {@code settings.address()}. Plain calls time out after the call
   * timeout; a blocking query's read timeout is stretched by the client to its wait plus Consul's
   * jitter (wait/16) plus the call timeout as a margin. Does not contact the agent: an agent that is
   * down shows in the first call, which the callers retry. Release it with {@link Consul#destroy()}.
   */
  public static Consul create(ConsulSettings settings) {
    long timeout = settings.callTimeout().toMillis();
    return Consul.builder()
        .withHostAndPort(HostAndPort.fromString(settings.address()))
        .withPing(false)
        .withConnectTimeoutMillis(timeout)
        .withReadTimeoutMillis(timeout)
        .withWriteTimeoutMillis(timeout)
        .withClientConfiguration(new ClientConfig(CacheConfig.builder()
            .withTimeoutAutoAdjustmentEnabled(true)
            .withTimeoutAutoAdjustmentMargin(settings.callTimeout())
            .build()))
        .build();
  }
}
