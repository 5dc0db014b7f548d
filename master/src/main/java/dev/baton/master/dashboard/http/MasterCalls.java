package dev.baton.master.dashboard.http;

import dev.baton.master.grpc.MasterService;
import dev.baton.runtime.security.Principal;
import dev.baton.runtime.security.auth.AccessControl;
import dev.baton.runtime.security.auth.Audit;
import dev.baton.runtime.server.StatusMapping;
import io.grpc.Context;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The HTTP edge's way into the master: every request runs the gRPC {@link MasterService} handler of
 * the same RPC, after the same decisions the gRPC server's interceptors take (AccessRules through
 * {@link AccessControl#decide}, audited; a standby refuses writes like {@code StandbyGate}), with the
 * caller's {@link Principal} in the gRPC {@link Context}, so the rules stay in one place.
 * Errors come back through runtime's {@link StatusMapping} as {@link ApiError}s. Thread-safe.
 */
final class MasterCalls {
  private final MasterService service;
  private final BooleanSupplier leading;
  private final Supplier<Optional<String>> leader;
  private final String masterId;

  MasterCalls(MasterService service, BooleanSupplier leading, Supplier<Optional<String>> leader, String masterId) {
    this.service = service;
    this.leading = leading;
    this.leader = leader;
    this.masterId = masterId;
  }

  String masterId() {
    return masterId;
  }

  boolean leading() {
    return leading.getAsBoolean();
  }

  Optional<String> leader() {
    return leader.get();
  }

  /**
   * Refuses {@code caller} what AccessRules refuse it for {@code method} (401 or 403, audited).
   */
  void authorize(MethodDescriptor<?, ?> method, Principal caller, String remote) {
    Status refusal = AccessControl.decide(method.getFullMethodName(), caller);
    if (refusal != null) {
      Audit.denied(method.getFullMethodName(), caller, remote, refusal.getDescription());
      throw ApiError.of(refusal);
    }
  }

  /** 409 naming the leader when this master stands by (what StandbyGate answers over gRPC). */
  void requireLeader(String what) {
    if (!leading()) {
      String at = leader().orElse("");
      throw new ApiError(409, "FAILED_PRECONDITION", "master " + masterId + " is a standby and serves the dashboard"
          + " read-only; " + what + " at the leader" + (at.isEmpty() ? " (none leads now)" : " " + at),
          "\"leader\":" + HttpIo.str(at));
    }
  }

  /** Runs a unary handler as {@code caller} and returns its one response. */
  <R> R unary(MethodDescriptor<?, ?> method, Principal caller, String remote,
      BiConsumer<MasterService, StreamObserver<R>> call) {
    authorize(method, caller, remote);
    Collector<R> out = new Collector<>();
    try {
      Context.current().withValue(Principal.KEY, caller).run(() -> call.accept(service, out));
    } catch (RuntimeException e) {
      throw ApiError.of(StatusMapping.toStatus(e));
    }
    if (out.error != null) {
      throw ApiError.of(StatusMapping.toStatus(out.error));
    }
    if (out.value == null) {
      throw new ApiError(500, "INTERNAL", method.getFullMethodName() + " answered nothing; see the server log");
    }
    return out.value;
  }

  /** Runs a handler that streams (WatchPlan) as {@code caller}; errors before its first event throw. */
  void stream(MethodDescriptor<?, ?> method, Principal caller, String remote, Runnable call) {
    authorize(method, caller, remote);
    try {
      Context.current().withValue(Principal.KEY, caller).run(call);
    } catch (RuntimeException e) {
      throw ApiError.of(StatusMapping.toStatus(e));
    }
  }

  MasterService service() {
    return service;
  }

  /** Keeps a unary handler's answer (handlers here answer on the calling thread). */
  private static final class Collector<R> implements StreamObserver<R> {
    volatile R value;
    volatile Throwable error;

    @Override
    public void onNext(R v) {
      value = v;
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {
    }
  }
}
