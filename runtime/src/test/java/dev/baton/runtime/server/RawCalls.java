package dev.baton.runtime.server;

import dev.baton.v1.CoordinateRequest;
import dev.baton.v1.CoordinateResponse;
import dev.baton.v1.CoordinationGrpc;
import dev.baton.v1.Register;
import dev.baton.v1.SubOrchestratorDescriptor;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Calls as a hostile client makes them, for the security and limits tests: bytes that need not be
 * a message, and a Coordinate stream registering whatever descriptor it is given.
 */
public final class RawCalls {
  /** Request and response bytes as they are. */
  public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  private RawCalls() {}

  /** A unary call of {@code method} whose request is {@code bytes}; 5 s deadline. */
  public static byte[] unary(Channel channel, String method, byte[] bytes) {
    MethodDescriptor<byte[], byte[]> m = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(method)
        .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    return ClientCalls.blockingUnaryCall(channel, m, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), bytes);
  }

  /**
   * Opens a Coordinate stream, sends Register of {@code d} (protocol 1) and then {@code more}, and
   * returns how the master ended the stream: its error, or OK when it completed or, with {@code
   * untilRegistered}, as soon as it answered Registered. Waits at most 10 s.
   */
  public static Status coordinate(CoordinationGrpc.CoordinationStub stub, SubOrchestratorDescriptor.Builder d,
      boolean untilRegistered, CoordinateRequest... more) throws Exception {
    CompletableFuture<Status> ended = new CompletableFuture<>();
    StreamObserver<CoordinateRequest> requests = stub.coordinate(new StreamObserver<>() {
      @Override
      public void onNext(CoordinateResponse value) {
        if (untilRegistered && value.hasRegistered()) {
          ended.complete(Status.OK);
        }
      }

      @Override
      public void onError(Throwable t) {
        ended.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        ended.complete(Status.OK);
      }
    });
    requests.onNext(CoordinateRequest.newBuilder().setRegister(Register.newBuilder().setOrchestrator(d).setProtocol(1)).build());
    for (CoordinateRequest r : more) {
      requests.onNext(r);
    }
    Status status = ended.get(10, TimeUnit.SECONDS);
    requests.onCompleted();
    return status;
  }
}
