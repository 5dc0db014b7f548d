package dev.baton.master.delegation;

import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import dev.baton.runtime.server.GrpcServer;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * One channel per instance address, created on first use and closed with the pool. Every call on
 * the pool's channels passes its interceptors: with an epoch ({@link #netty(LongSupplier, LongConsumer)})
 * every call to a sub-orchestrator carries the master's epoch ({@link EpochInterceptor}).
 */
public final class ChannelPool implements AutoCloseable {
  private record Entry(ManagedChannel managed, Channel intercepted) {}

  private final Function<String, ManagedChannel> factory;
  private final List<ClientInterceptor> interceptors;
  private final Map<String, Entry> channels = new ConcurrentHashMap<>();

  public ChannelPool(Function<String, ManagedChannel> factory) {
    this(factory, List.of());
  }

  /** @param interceptors run on every call, the first listed first */
  public ChannelPool(Function<String, ManagedChannel> factory, List<ClientInterceptor> interceptors) {
    this.factory = factory;
    this.interceptors = List.copyOf(interceptors);
  }

  /** Plaintext Netty channels to {@code host:port} addresses, without an epoch. */
  public static ChannelPool netty() {
    return new ChannelPool(a -> nettyChannel(a, dev.baton.runtime.security.ClientSecurity.plaintext()));
  }

  /**
   * Plaintext Netty channels whose calls carry {@code epoch} (0: none) and report a stale refusal
   * to {@code onStale} (on a gRPC thread).
   */
  public static ChannelPool netty(LongSupplier epoch, LongConsumer onStale) {
    return netty(epoch, onStale, dev.baton.runtime.security.ClientSecurity.plaintext());
  }

  /** Like {@link #netty(LongSupplier, LongConsumer)}, dialling with {@code security} (TLS, the master's certificate). */
  public static ChannelPool netty(LongSupplier epoch, LongConsumer onStale,
      dev.baton.runtime.security.ClientSecurity security) {
    return new ChannelPool(a -> nettyChannel(a, security), List.of(new EpochInterceptor(epoch, onStale)));
  }

  /**
   * Like {@link #netty(LongSupplier, LongConsumer)}, but an address {@code inprocess:NAME} (what
   * {@code GrpcServer.startInProcess} reports) is dialled in process, with the channel's callbacks
   * on {@code executor} and its timers (call deadlines, idleness) on {@code timers}: tests run the
   * master and its instances in one JVM without sockets, on executors driven by a manual clock.
   * Any other address is dialled over Netty as usual.
   */
  public static ChannelPool inProcess(java.util.concurrent.Executor executor,
      java.util.concurrent.ScheduledExecutorService timers, LongSupplier epoch, LongConsumer onStale) {
    return new ChannelPool(address -> address.startsWith(GrpcServer.IN_PROCESS_SCHEME)
        ? InProcessChannelBuilder.forName(address.substring(GrpcServer.IN_PROCESS_SCHEME.length()))
            .executor(executor).scheduledExecutorService(timers).build()
        : nettyChannel(address, dev.baton.runtime.security.ClientSecurity.plaintext()),
        List.of(new EpochInterceptor(epoch, onStale)));
  }

  private static ManagedChannel nettyChannel(String address, dev.baton.runtime.security.ClientSecurity security) {
    return security.nettyBuilder(address)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .build();
  }

  /** The channel to {@code address}, behind the pool's interceptors. */
  public Channel channel(String address) {
    return channels.computeIfAbsent(address, a -> {
      ManagedChannel managed = factory.apply(a);
      return new Entry(managed, ClientInterceptors.interceptForward(managed, interceptors));
    }).intercepted();
  }

  @Override
  public void close() {
    for (Entry c : channels.values()) {
      c.managed().shutdownNow();
    }
    for (Entry c : channels.values()) {
      try {
        c.managed().awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    channels.clear();
  }
}
