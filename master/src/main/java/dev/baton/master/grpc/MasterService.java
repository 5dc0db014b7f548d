package dev.baton.master.grpc;

import dev.baton.master.dashboard.DashboardCalculator;
import dev.baton.master.engine.Engine;
import dev.baton.master.events.PlanStore;
import dev.baton.master.plan.PlanModel;
import dev.baton.master.plan.PlanProtos;
import dev.baton.master.registry.Registry;
import dev.baton.runtime.security.Principal;
import dev.baton.runtime.server.BatonException;
import dev.baton.v1.Caller;
import dev.baton.v1.CancelPlanRequest;
import dev.baton.v1.CancelPlanResponse;
import dev.baton.v1.GetDashboardRequest;
import dev.baton.v1.GetDashboardResponse;
import dev.baton.v1.GetPlanRequest;
import dev.baton.v1.GetPlanResponse;
import dev.baton.v1.ListOrchestratorsRequest;
import dev.baton.v1.ListOrchestratorsResponse;
import dev.baton.v1.ListPlansRequest;
import dev.baton.v1.ListPlansResponse;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SubmitPlanRequest;
import dev.baton.v1.SubmitPlanResponse;
import dev.baton.v1.ValidatePlanRequest;
import dev.baton.v1.ValidatePlanResponse;
import dev.baton.v1.WatchPlanRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * {@code baton.v1.Master}: each handler maps its request through {@link MasterMapper}, calls the
 * engine or the store, and maps back. Exceptions propagate to runtime's StatusMapping interceptor.
 */
public final class MasterService extends MasterGrpc.MasterImplBase {
  private final Engine engine;
  private final PlanStore store;
  private final Registry registry;
  private final DashboardCalculator dashboard;
  private final String masterId;
  private final Supplier<String> address;
  private final java.util.function.UnaryOperator<PlanModel.Plan> repositories;
  /** Secrets, paths and the registered instances' droid policies, at Validate and Submit alike. */
  private final dev.baton.master.policy.PlanPolicyGate policy;
  private final CallerLimits limits;

  public MasterService(Engine engine, PlanStore store, Registry registry, DashboardCalculator dashboard,
      String masterId, Supplier<String> address) {
    this(engine, store, registry, dashboard, masterId, address, java.util.function.UnaryOperator.identity());
  }

  /** @param repositories resolves a plan's repository before it starts (local directories imported and served) */
  public MasterService(Engine engine, PlanStore store, Registry registry, DashboardCalculator dashboard,
      String masterId, Supplier<String> address, java.util.function.UnaryOperator<PlanModel.Plan> repositories) {
    this(engine, store, registry, dashboard, masterId, address, repositories, new CallerLimits(CallerLimits.Settings.DEFAULTS));
  }

  /** @param limits per-caller limits on submissions, unfinished plans and WatchPlan streams */
  public MasterService(Engine engine, PlanStore store, Registry registry, DashboardCalculator dashboard,
      String masterId, Supplier<String> address, java.util.function.UnaryOperator<PlanModel.Plan> repositories,
      CallerLimits limits) {
    this.limits = java.util.Objects.requireNonNull(limits, "limits");
    this.repositories = repositories;
    this.policy = new dev.baton.master.policy.PlanPolicyGate(registry);
    this.engine = engine;
    this.store = store;
    this.registry = registry;
    this.dashboard = dashboard;
    this.masterId = masterId;
    this.address = address;
  }

  @Override
  public void submitPlan(SubmitPlanRequest request, StreamObserver<SubmitPlanResponse> response) {
    double timeScale = MasterMapper.timeScale(request.getTimeScale());
    Caller submitter = submitter();
    // Counted before the plan is parsed: a caller over its rate costs the master no parsing.
    limits.acquireSubmission(submitter.getSubject());
    PlanModel.Plan compiled = MasterMapper.plan(request);
    policy.check(compiled);
    PlanModel.Plan plan = repositories.apply(compiled);
    Engine.Submitted submitted = engine.submit(plan, PlanProtos.analysisToProto(plan), timeScale, request.getRequestId(),
        submitter, unfinished -> limits.admitPlan(submitter.getSubject(), unfinished));
    response.onNext(SubmitPlanResponse.newBuilder().setPlanId(submitted.planId()).setCreated(submitted.created())
        .setStatus(status(submitted.planId())).build());
    response.onCompleted();
  }

  @Override
  public void validatePlan(ValidatePlanRequest request, StreamObserver<ValidatePlanResponse> response) {
    // Validation parses as much as a submission does: it counts against the same rate.
    limits.acquireSubmission(Principal.current().subject());
    PlanModel.Plan plan = MasterMapper.plan(request);
    policy.check(plan);
    response.onNext(ValidatePlanResponse.newBuilder()
        .setPlan(PlanProtos.toProto(plan))
        .setAnalysis(PlanProtos.analysisToProto(plan))
        .build());
    response.onCompleted();
  }

  @Override
  public void watchPlan(WatchPlanRequest request, StreamObserver<PlanEvent> response) {
    String id = MasterMapper.planId(request.getPlanId());
    if (request.getAfterSequence() < 0) {
      throw BatonException.invalidArgument("after_sequence: " + request.getAfterSequence() + " (expected: >= 0)");
    }
    status(id);
    Runnable release = limits.acquireWatch(Principal.current().subject());
    try {
      new PlanWatcher(store, id, request.getAfterSequence(), (ServerCallStreamObserver<PlanEvent>) response, release)
          .start();
    } catch (RuntimeException e) {
      release.run();
      throw e;
    }
  }

  @Override
  public void getPlan(GetPlanRequest request, StreamObserver<GetPlanResponse> response) {
    response.onNext(GetPlanResponse.newBuilder().setStatus(status(MasterMapper.planId(request.getPlanId()))).build());
    response.onCompleted();
  }

  @Override
  public void listPlans(ListPlansRequest request, StreamObserver<ListPlansResponse> response) {
    ListPlansResponse.Builder b = ListPlansResponse.newBuilder();
    store.list().forEach(s -> b.addPlans(MasterMapper.line(s)));
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public void cancelPlan(CancelPlanRequest request, StreamObserver<CancelPlanResponse> response) {
    String id = MasterMapper.planId(request.getPlanId());
    PlanStatus current = status(id);
    Principal caller = Principal.current();
    if (!dev.baton.runtime.security.auth.AccessRules.effective(caller.roles()).contains(dev.baton.runtime.security.Role.ADMIN)
        && !caller.subject().equals(current.getSubmittedBy().getSubject())) {
      String why = "CancelPlan of plan " + id + " needs role admin, or to be its submitter ("
          + (current.getSubmittedBy().getSubject().isEmpty() ? "unknown" : current.getSubmittedBy().getSubject())
          + "); " + caller.display() + " is neither";
      dev.baton.runtime.security.auth.Audit.denied("baton.v1.Master/CancelPlan", caller, "", why);
      throw io.grpc.Status.PERMISSION_DENIED.withDescription(why).asRuntimeException();
    }
    PlanStatus s = engine.cancel(id, request.getReason());
    response.onNext(CancelPlanResponse.newBuilder().setStatus(s).build());
    response.onCompleted();
  }

  @Override
  public void getDashboard(GetDashboardRequest request, StreamObserver<GetDashboardResponse> response) {
    response.onNext(GetDashboardResponse.newBuilder().setDashboard(dashboard.compute()).build());
    response.onCompleted();
  }

  @Override
  public void listOrchestrators(ListOrchestratorsRequest request, StreamObserver<ListOrchestratorsResponse> response) {
    var all = registry.instances();
    ListOrchestratorsResponse.Builder b = ListOrchestratorsResponse.newBuilder()
        .setMaster(MasterMapper.master(masterId, address.get(), all));
    all.stream()
        .filter(i -> request.getDomain().isEmpty() || i.domain().equals(request.getDomain()))
        .forEach(i -> b.addInstances(MasterMapper.instance(i, engine == null ? "closed" : engine.breakerState(i.id()))));
    response.onNext(b.build());
    response.onCompleted();
  }

  /**
   * The caller as recorded on the plan (PlanAccepted.submitted_by): the call's principal, its
   * subject and roles. A minimal filling for the per-caller limits; the authorization layer may
   * record more.
   */
  private static Caller submitter() {
    Principal p = Principal.current();
    Caller.Builder c = Caller.newBuilder().setSubject(p.subject());
    p.roles().stream().map(r -> r.name().toLowerCase(java.util.Locale.ROOT)).sorted().forEach(c::addRoles);
    return c.build();
  }

  private PlanStatus status(String id) {
    return store.status(id).orElseThrow(() -> MasterMapper.unknownPlan(id));
  }
}
