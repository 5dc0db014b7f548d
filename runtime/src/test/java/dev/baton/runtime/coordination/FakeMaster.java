package dev.baton.runtime.coordination;

import dev.baton.v1.CoordinateRequest;
import dev.baton.v1.CoordinateResponse;
import dev.baton.v1.CoordinationGrpc;
import dev.baton.v1.Registered;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real Netty gRPC server playing the master's Coordination side: records every frame, answers
 * Register with Registered, and lets a test push frames down every open stream. Restartable on the
 * same port, to test reconnection. A standby ({@link #standby}) refuses every Register as a standby
 * master does: UNAVAILABLE with the leader's address in the {@code baton-leader} trailer.
 */
public final class FakeMaster implements AutoCloseable {
  public final List<CoordinateRequest> frames = new CopyOnWriteArrayList<>();
  private final List<StreamObserver<CoordinateResponse>> streams = new CopyOnWriteArrayList<>();
  private final List<String> peers;
  /** Non-null: a standby naming this leader (blank: no leader known). */
  private volatile String standbyFor;
  private int port;
  private Server server;

  private FakeMaster(List<String> peers) {
    this.peers = peers;
  }

  public static FakeMaster start(List<String> peers) {
    FakeMaster master = new FakeMaster(peers);
    master.listen(0);
    return master;
  }

  /** A free port with nothing listening: a master that is not up yet. */
  public static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A standby master that names {@code leaderAddress} (null: no leader known) in its refusals. */
  public static FakeMaster standby(String leaderAddress) {
    FakeMaster master = new FakeMaster(List.of());
    master.standbyFor = leaderAddress == null ? "" : leaderAddress;
    master.listen(0);
    return master;
  }

  public static FakeMaster startOn(int port, List<String> peers) {
    FakeMaster master = new FakeMaster(peers);
    master.listen(port);
    return master;
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  public long count(CoordinateRequest.BodyCase body) {
    return frames.stream().filter(f -> f.getBodyCase() == body).count();
  }

  public void sendToAll(CoordinateResponse frame) {
    for (StreamObserver<CoordinateResponse> stream : streams) {
      synchronized (stream) {
        stream.onNext(frame);
      }
    }
  }

  public void stop() {
    for (StreamObserver<CoordinateResponse> stream : streams) {
      try {
        stream.onError(io.grpc.Status.UNAVAILABLE.withDescription("master going down").asRuntimeException());
      } catch (RuntimeException alreadyClosed) {
        // the client went first
      }
    }
    streams.clear();
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public void restart() {
    stop();
    listen(port);
  }

  @Override
  public void close() {
    stop();
  }

  private void listen(int wanted) {
    try {
      server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", wanted))
          .addService(new Service())
          .build()
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    port = server.getPort();
  }

  private final class Service extends CoordinationGrpc.CoordinationImplBase {
    @Override
    public StreamObserver<CoordinateRequest> coordinate(StreamObserver<CoordinateResponse> responses) {
      streams.add(responses);
      return new StreamObserver<>() {
        @Override
        public void onNext(CoordinateRequest frame) {
          frames.add(frame);
          if (frame.hasRegister() && standbyFor != null) {
            streams.remove(responses);
            synchronized (responses) {
              responses.onError(dev.baton.runtime.server.LeaderHint.standby("fake-standby", standbyFor));
            }
            return;
          }
          if (frame.hasRegister()) {
            synchronized (responses) {
              responses.onNext(CoordinateResponse.newBuilder()
                  .setRegistered(Registered.newBuilder().setMasterId("fake-master").addAllPeers(peers))
                  .build());
            }
          }
        }

        @Override
        public void onError(Throwable t) {
          streams.remove(responses);
        }

        @Override
        public void onCompleted() {
          streams.remove(responses);
          synchronized (responses) {
            responses.onCompleted();
          }
        }
      };
    }
  }
}
