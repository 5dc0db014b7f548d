package dev.baton.master.grpc;

import dev.baton.runtime.server.LeaderHint;
import dev.baton.v1.CoordinationGrpc;
import dev.baton.v1.MasterGrpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What a standby master serves: the reads, from its journal (GetPlan, WatchPlan, ListPlans,
 * GetDashboard, ValidatePlan, ListOrchestrators); every other call (SubmitPlan, CancelPlan, a
 * sub-orchestrator's Coordinate stream) is refused with UNAVAILABLE naming the leader, in the
 * message and in the {@code baton-leader} trailer ({@link LeaderHint}),
 * so that clients go there. A leader serves everything. Other services (health, reflection) pass.
 */
public final class StandbyGate implements ServerInterceptor {
  private static final Set<String> READS = Set.of(
      MasterGrpc.getGetPlanMethod().getFullMethodName(),
      MasterGrpc.getWatchPlanMethod().getFullMethodName(),
      MasterGrpc.getListPlansMethod().getFullMethodName(),
      MasterGrpc.getGetDashboardMethod().getFullMethodName(),
      MasterGrpc.getValidatePlanMethod().getFullMethodName(),
      MasterGrpc.getListOrchestratorsMethod().getFullMethodName());
  private static final Set<String> GATED_SERVICES = Set.of(
      MasterGrpc.SERVICE_NAME, CoordinationGrpc.SERVICE_NAME);

  private final String masterId;
  private final BooleanSupplier leading;
  private final Supplier<Optional<String>> leader;

  /**
   * @param leading true while this master leads
   * @param leader the leader's client address as the election records it, if any leads
   */
  public StandbyGate(String masterId, BooleanSupplier leading, Supplier<Optional<String>> leader) {
    this.masterId = masterId;
    this.leading = leading;
    this.leader = leader;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (leading.getAsBoolean() || READS.contains(method)
        || !GATED_SERVICES.contains(call.getMethodDescriptor().getServiceName())) {
      return next.startCall(call, headers);
    }
    var refusal = LeaderHint.standby(masterId, leader.get().orElse(null));
    call.close(refusal.getStatus(), refusal.getTrailers());
    return new ServerCall.Listener<>() {};
  }
}
