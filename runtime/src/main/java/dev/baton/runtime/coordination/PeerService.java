package dev.baton.runtime.coordination;

import dev.baton.runtime.server.BatonException;
import dev.baton.v1.DeliverRequest;
import dev.baton.v1.DeliverResponse;
import dev.baton.v1.PeerGrpc;
import io.grpc.stub.StreamObserver;

/** {@code baton.v1.Peer}: takes messages peers send directly and hands them to the {@link Messenger}. */
public final class PeerService extends PeerGrpc.PeerImplBase {
  private final Messenger messenger;

  public PeerService(Messenger messenger) {
    this.messenger = messenger;
  }

  @Override
  public void deliver(DeliverRequest request, StreamObserver<DeliverResponse> response) {
    if (request.getMessage().getFromOrchestrator().isEmpty()) {
      throw BatonException.invalidArgument("message.from_orchestrator is empty (expected the sender's instance id)");
    }
    messenger.receive(request.getMessage());
    response.onNext(DeliverResponse.getDefaultInstance());
    response.onCompleted();
  }
}
