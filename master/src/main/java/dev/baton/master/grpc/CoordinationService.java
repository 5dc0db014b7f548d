package dev.baton.master.grpc;

import dev.baton.master.engine.Engine;
import dev.baton.master.registry.CoordinateSink;
import dev.baton.master.registry.Instance;
import dev.baton.master.registry.Registry;
import dev.baton.v1.CoordinateRequest;
import dev.baton.v1.CoordinateResponse;
import dev.baton.v1.CoordinationGrpc;
import dev.baton.v1.CrossOrchestratorMessage;
import dev.baton.v1.Registered;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code baton.v1.Coordination}: each sub-orchestrator's long-lived stream. Register (first frame)
 * enters it into the registry, heartbeats keep it alive, SyncArrivals go to the engine, messages
 * are relayed to the instance or domain they name; the stream's end takes the instance offline.
 */
public final class CoordinationService extends CoordinationGrpc.CoordinationImplBase {
  private static final Logger log = LoggerFactory.getLogger(CoordinationService.class);

  private final Registry registry;
  private final Engine engine;
  private final String masterId;
  private final Duration heartbeatInterval;

  public CoordinationService(Registry registry, Engine engine, String masterId, Duration heartbeatInterval) {
    this.registry = registry;
    this.engine = engine;
    this.masterId = masterId;
    this.heartbeatInterval = heartbeatInterval;
  }

  @Override
  public StreamObserver<CoordinateRequest> coordinate(StreamObserver<CoordinateResponse> responses) {
    Stream stream = new Stream((ServerCallStreamObserver<CoordinateResponse>) responses);
    ((ServerCallStreamObserver<CoordinateResponse>) responses).setOnCancelHandler(stream::ended);
    return stream;
  }

  private final class Stream implements StreamObserver<CoordinateRequest>, CoordinateSink {
    private final ServerCallStreamObserver<CoordinateResponse> out;
    private volatile String instanceId;
    private volatile long token;
    private boolean closed;

    Stream(ServerCallStreamObserver<CoordinateResponse> out) {
      this.out = out;
    }

    /** Frames go down from the scheduler's thread and from this stream's: one at a time. */
    @Override
    public synchronized void send(CoordinateResponse frame) {
      if (closed || out.isCancelled()) {
        return;
      }
      try {
        out.onNext(frame);
      } catch (RuntimeException e) {
        log.debug("dropping a frame to {}: {}", instanceId, e.toString());
      }
    }

    @Override
    public void onNext(CoordinateRequest request) {
      switch (request.getBodyCase()) {
        case REGISTER -> {
          var d = request.getRegister().getOrchestrator();
          if (instanceId != null && !instanceId.equals(d.getId())) {
            fail(Status.INVALID_ARGUMENT.withDescription("this stream is registered as " + instanceId
                + "; open another stream to register " + d.getId()));
            return;
          }
          token = registry.register(d, this);
          instanceId = d.getId();
          Registered.Builder r = Registered.newBuilder().setMasterId(masterId)
              .setHeartbeatIntervalMs(heartbeatInterval.toMillis());
          for (Instance i : registry.instances()) {
            if (i.healthy() && !i.id().equals(instanceId)) {
              r.addPeers(i.id());
            }
          }
          send(CoordinateResponse.newBuilder().setRegistered(r).build());
        }
        case HEARTBEAT -> {
          if (registeredOrFail("Heartbeat")) {
            var h = request.getHeartbeat();
            Instant sent = h.hasTime() ? MasterMapper.instant(h.getTime()) : null;
            registry.heartbeat(instanceId, h.getLoad(), sent);
          }
        }
        case SYNC_ARRIVAL -> {
          if (registeredOrFail("SyncArrival")) {
            engine.onSyncArrival(instanceId, request.getSyncArrival());
          }
        }
        case MESSAGE -> {
          if (registeredOrFail("CrossOrchestratorMessage")) {
            relay(request.getMessage());
          }
        }
        case BODY_NOT_SET -> { }
      }
    }

    private void relay(CrossOrchestratorMessage m) {
      String to = m.getToOrchestrator();
      CoordinateResponse frame = CoordinateResponse.newBuilder().setMessage(m).build();
      if (to.equals("master") || to.equals(masterId)) {
        log.debug("message {} from {}: {}", m.getType(), m.getFromOrchestrator(), m.getPayload().getSubject());
        return;
      }
      if (registry.sink(to).isPresent()) {
        registry.sink(to).get().send(frame);
        return;
      }
      for (Instance i : registry.healthy(to)) {
        if (!i.id().equals(instanceId)) {
          registry.sink(i.id()).ifPresent(s -> s.send(frame));
        }
      }
    }

    private boolean registeredOrFail(String what) {
      if (instanceId != null) {
        return true;
      }
      fail(Status.FAILED_PRECONDITION.withDescription(what + " before Register: send Register first"));
      return false;
    }

    private synchronized void fail(Status status) {
      if (!closed) {
        closed = true;
        out.onError(status.asRuntimeException());
      }
      ended();
    }

    void ended() {
      if (instanceId != null) {
        registry.deregister(instanceId, token);
      }
    }

    @Override
    public void onError(Throwable t) {
      ended();
    }

    @Override
    public synchronized void onCompleted() {
      ended();
      if (!closed) {
        closed = true;
        out.onCompleted();
      }
    }
  }
}
