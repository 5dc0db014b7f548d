package dev.baton.cli;

import dev.baton.v1.CancelPlanRequest;
import dev.baton.v1.CancelPlanResponse;
import dev.baton.v1.GetDashboardRequest;
import dev.baton.v1.GetDashboardResponse;
import dev.baton.v1.GetPlanRequest;
import dev.baton.v1.ListOrchestratorsRequest;
import dev.baton.v1.ListOrchestratorsResponse;
import dev.baton.v1.ListPlansRequest;
import dev.baton.v1.ListPlansResponse;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SubmitPlanRequest;
import dev.baton.v1.SubmitPlanResponse;
import dev.baton.v1.ValidatePlanRequest;
import dev.baton.v1.ValidatePlanResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;

/**
 * The CLI's calls to the masters: each RPC is a read (any master) or a write (the leader), and
 * {@link LeaderFollower} takes it there, with deadlines and bounded retries.
 */
final class MasterClient implements AutoCloseable {
  private final LeaderFollower follower;

  MasterClient(LeaderFollower follower) {
    this.follower = follower;
  }

  /** A client of the masters at {@code addresses}, retrying under {@code policy}; connects lazily. */
  static MasterClient connect(List<HostPort> addresses, RetryPolicy policy) {
    return connect(addresses, policy, dev.baton.runtime.security.ClientSecurity.plaintext());
  }

  /** Like {@link #connect(List, RetryPolicy)}, dialling with {@code security} (TLS, call credentials). */
  static MasterClient connect(List<HostPort> addresses, RetryPolicy policy,
      dev.baton.runtime.security.ClientSecurity security) {
    return new MasterClient(LeaderFollower.create(addresses, policy, security));
  }

  /** A client of the one master at {@code address} ("host:port"), with the default retries. */
  static MasterClient connect(String address) {
    return connect(List.of(HostPort.parse("--master", address)), RetryPolicy.DEFAULT);
  }

  LeaderFollower follower() {
    return follower;
  }

  /** The master that answered last (for a write, the leader). */
  String address() {
    return follower.lastAnswered().toString();
  }

  /**
   * Submits to the leader. Safe to retry because the request carries a request id: a master that
   * already started that submission answers with its plan (created false).
   */
  SubmitPlanResponse submit(SubmitPlanRequest request) {
    if (request.getRequestId().isEmpty()) {
      throw new IllegalArgumentException("request_id: empty (expected: one id per submission, kept across retries)");
    }
    return follower.call(LeaderFollower.Kind.WRITE, "SubmitPlan", stub -> stub.submitPlan(request));
  }

  ValidatePlanResponse validate(ValidatePlanRequest request) {
    return follower.call(LeaderFollower.Kind.READ, "ValidatePlan", stub -> stub.validatePlan(request));
  }

  PlanStatus getPlan(String planId) {
    return follower.call(LeaderFollower.Kind.READ, "GetPlan",
        stub -> stub.getPlan(GetPlanRequest.newBuilder().setPlanId(planId).build()).getStatus());
  }

  ListPlansResponse listPlans() {
    return follower.call(LeaderFollower.Kind.READ, "ListPlans", stub -> stub.listPlans(ListPlansRequest.getDefaultInstance()));
  }

  /**
   * Cancels on the leader. A retried cancel whose first try went through (its answer lost) is
   * refused as "already finished": then the plan's state says whether it was this cancel.
   */
  CancelPlanResponse cancel(String planId, String reason) {
    CancelPlanRequest request = CancelPlanRequest.newBuilder().setPlanId(planId).setReason(reason).build();
    LeaderFollower.Attempts attempts = follower.begin(LeaderFollower.Kind.WRITE, "CancelPlan");
    while (true) {
      try {
        CancelPlanResponse response = attempts.stub(true).cancelPlan(request);
        attempts.answered();
        return response;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION && attempts.tries() > 1) {
          PlanStatus status = getPlan(planId);
          if (status.getState() == PlanState.PLAN_STATE_CANCELLED) {
            return CancelPlanResponse.newBuilder().setStatus(status).build();
          }
        }
        if (!LeaderFollower.retryable(e)) {
          throw e;
        }
        attempts.failed(e);
      }
    }
  }

  GetDashboardResponse dashboard() {
    return follower.call(LeaderFollower.Kind.READ, "GetDashboard",
        stub -> stub.getDashboard(GetDashboardRequest.getDefaultInstance()));
  }

  ListOrchestratorsResponse listOrchestrators() {
    return follower.call(LeaderFollower.Kind.READ, "ListOrchestrators",
        stub -> stub.listOrchestrators(ListOrchestratorsRequest.getDefaultInstance()));
  }

  @Override
  public void close() {
    follower.close();
  }
}
