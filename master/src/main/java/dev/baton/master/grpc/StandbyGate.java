package dev.baton.master.grpc;

import dev.baton.runtime.server.BatonException;
import dev.baton.v1.CoordinationGrpc;
import dev.baton.v1.MasterGrpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What a standby master serves: the reads, from its journal (GetPlan, WatchPlan, ListPlans,
 * GetDashboard, ValidatePlan, ListOrchestrators); every other call (SubmitPlan, CancelPlan, a
 * sub-orchestrator's Coordinate stream) is refused with UNAVAILABLE naming the leader, in the
 * message and in the {@code baton-leader} trailer ({@link dev.baton.runtime.server.LeaderHint}),
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
    Optional<String> to = leader.get();
    BatonException refusal = BatonException.notLeader("master " + masterId + " is a standby; "
        + to.map(a -> "the leader is " + a + ": send " + call.getMethodDescriptor().getBareMethodName() + " there")
            .orElse("no master leads right now (an election is under way): retry in a few seconds"),
        to.orElse(""));
    call.close(Status.UNAVAILABLE.withDescription(refusal.getMessage()), refusal.trailers());
    return new ServerCall.Listener<>() {};
  }
}
