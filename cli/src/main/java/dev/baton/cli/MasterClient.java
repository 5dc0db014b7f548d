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
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SubmitPlanRequest;
import dev.baton.v1.SubmitPlanResponse;
import dev.baton.v1.WatchPlanRequest;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The CLI's connection to a master: every unary call with a deadline, and transport failures
 * turned into {@link MasterUnreachableException} so that they end with exit code 3.
 */
final class MasterClient implements AutoCloseable {
  /** Default deadline of each unary call. */
  static final Duration DEFAULT_CALL_DEADLINE = Duration.ofSeconds(10);

  private final String address;
  private final ManagedChannel channel;
  private final MasterGrpc.MasterBlockingStub stub;
  private final Duration deadline;

  private MasterClient(String address, ManagedChannel channel, Duration deadline) {
    this.address = address;
    this.channel = channel;
    this.stub = MasterGrpc.newBlockingStub(channel);
    this.deadline = deadline;
  }

  /** A client of the master at {@code address} ("host:port"); connects lazily. */
  static MasterClient connect(String address) {
    HostPort hostPort = HostPort.parse("--master", address);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(hostPort.host(), hostPort.port())
            .usePlaintext()
            .maxInboundMessageSize(64 * 1024 * 1024) // GetPlan of a 100,000-task plan
            .build();
    return new MasterClient(address, channel, DEFAULT_CALL_DEADLINE);
  }

  String address() {
    return address;
  }

  SubmitPlanResponse submit(SubmitPlanRequest request) {
    return call(() -> unary().submitPlan(request));
  }

  dev.baton.v1.ValidatePlanResponse validate(dev.baton.v1.ValidatePlanRequest request) {
    return call(() -> unary().validatePlan(request));
  }

  PlanStatus getPlan(String planId) {
    return call(() -> unary().getPlan(GetPlanRequest.newBuilder().setPlanId(planId).build()).getStatus());
  }

  ListPlansResponse listPlans() {
    return call(() -> unary().listPlans(ListPlansRequest.getDefaultInstance()));
  }

  CancelPlanResponse cancel(String planId, String reason) {
    return call(
        () ->
            unary()
                .cancelPlan(CancelPlanRequest.newBuilder().setPlanId(planId).setReason(reason).build()));
  }

  GetDashboardResponse dashboard() {
    return call(() -> unary().getDashboard(GetDashboardRequest.getDefaultInstance()));
  }

  ListOrchestratorsResponse listOrchestrators() {
    return call(() -> unary().listOrchestrators(ListOrchestratorsRequest.getDefaultInstance()));
  }

  /**
   * Streams the plan's events after {@code afterSequence} to {@code sink} until the master ends the
   * stream. No deadline: a plan runs as long as it runs; a broken stream surfaces as the exception
   * and the caller resumes from the last sequence it saw.
   */
  void watch(String planId, long afterSequence, Consumer<PlanEvent> sink) {
    Context.CancellableContext context = Context.current().withCancellation();
    try {
      context.run(
          () -> {
            Iterator<PlanEvent> events =
                stub.watchPlan(
                    WatchPlanRequest.newBuilder().setPlanId(planId).setAfterSequence(afterSequence).build());
            while (events.hasNext()) {
              sink.accept(events.next());
            }
          });
    } catch (StatusRuntimeException e) {
      throw translate(e);
    } finally {
      context.cancel(null);
    }
  }

  private MasterGrpc.MasterBlockingStub unary() {
    return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  private <T> T call(Supplier<T> rpc) {
    try {
      return rpc.get();
    } catch (StatusRuntimeException e) {
      throw translate(e);
    }
  }

  /** Transport failures mean "unreachable"; statuses the master itself sent pass through. */
  private RuntimeException translate(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    boolean transport = code == Status.Code.UNAVAILABLE && e.getCause() != null;
    if (transport || code == Status.Code.DEADLINE_EXCEEDED) {
      return new MasterUnreachableException(address, e);
    }
    return e;
  }

  /** True when {@code e} means the stream or connection broke and resuming may work. */
  static boolean isResumable(RuntimeException e) {
    if (e instanceof MasterUnreachableException) {
      return true;
    }
    if (e instanceof StatusRuntimeException sre) {
      Status.Code code = sre.getStatus().getCode();
      return code == Status.Code.UNAVAILABLE || code == Status.Code.INTERNAL && sre.getCause() != null
          || code == Status.Code.CANCELLED;
    }
    return false;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A validated "host:port". */
  record HostPort(String host, int port) {
    static HostPort parse(String option, String value) {
      int colon = value == null ? -1 : value.lastIndexOf(':');
      if (colon <= 0 || colon == value.length() - 1) {
        throw CliException.invalidInput(option + ": '" + value + "' (expected: host:port, e.g. 127.0.0.1:7233)");
      }
      String host = value.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        int port = Integer.parseInt(value.substring(colon + 1));
        if (port < 1 || port > 65535) {
          throw CliException.invalidInput(option + ": port " + port + " (expected: 1..65535)");
        }
        return new HostPort(host, port);
      } catch (NumberFormatException e) {
        throw CliException.invalidInput(option + ": '" + value + "' (expected: host:port, e.g. 127.0.0.1:7233)");
      }
    }
  }
}
