package dev.baton.master.delegation;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** One channel per instance address, created on first use and closed with the pool. */
public final class ChannelPool implements AutoCloseable {
  private final Function<String, ManagedChannel> factory;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  public ChannelPool(Function<String, ManagedChannel> factory) {
    this.factory = factory;
  }

  /** Plaintext Netty channels to {@code host:port} addresses. */
  public static ChannelPool netty() {
    return new ChannelPool(address -> NettyChannelBuilder.forTarget(address)
        .usePlaintext()
        .keepAliveTime(30, TimeUnit.SECONDS)
        .build());
  }

  public ManagedChannel channel(String address) {
    return channels.computeIfAbsent(address, factory);
  }

  @Override
  public void close() {
    for (ManagedChannel c : channels.values()) {
      c.shutdownNow();
    }
    for (ManagedChannel c : channels.values()) {
      try {
        c.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    channels.clear();
  }
}
