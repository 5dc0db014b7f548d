package dev.baton.master.dashboard.http;

import com.sun.net.httpserver.HttpExchange;
import dev.baton.runtime.security.Principal;
import dev.baton.v1.GetDashboardRequest;
import dev.baton.v1.GetDashboardResponse;
import dev.baton.v1.ListOrchestratorsRequest;
import dev.baton.v1.ListOrchestratorsResponse;
import dev.baton.v1.ListPlansRequest;
import dev.baton.v1.ListPlansResponse;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.WatchPlanRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * The three event streams: a plan's events (the WatchPlan handler writing into a
 * {@link PlanEventStream}), the plans list and the dashboard (computed by the ListPlans, GetDashboard
 * and ListOrchestrators handlers, as the caller, on each tick). Each open stream holds a slot of
 * {@link StreamLimits} and a thread of the stream pool until the client leaves or the server closes.
 */
final class Streams {
  private final MasterCalls calls;
  private final DashboardSettings settings;
  private final ExecutorService pool;
  private final StreamLimits limits;

  Streams(MasterCalls calls, DashboardSettings settings, ExecutorService pool) {
    this.calls = calls;
    this.settings = settings;
    this.pool = pool;
    this.limits = new StreamLimits(settings.maxStreams(), settings.streamsPerCaller());
  }

  /** {@code {"dashboard": GetDashboardResponse, "orchestrators": ListOrchestratorsResponse}}. */
  String dashboardJson(Principal caller, String remote) {
    GetDashboardResponse d = calls.unary(MasterGrpc.getGetDashboardMethod(), caller, remote,
        (m, o) -> m.getDashboard(GetDashboardRequest.getDefaultInstance(), o));
    ListOrchestratorsResponse o = calls.unary(MasterGrpc.getListOrchestratorsMethod(), caller, remote,
        (m, obs) -> m.listOrchestrators(ListOrchestratorsRequest.getDefaultInstance(), obs));
    return "{\"dashboard\":" + HttpIo.json(d) + ",\"orchestrators\":" + HttpIo.json(o) + "}";
  }

  boolean planEvents(HttpExchange ex, Principal caller, String remote, String plan, long after) throws IOException {
    calls.authorize(MasterGrpc.getWatchPlanMethod(), caller, remote);
    Runnable release = limits.acquire(caller.subject());
    PlanEventStream events = new PlanEventStream();
    try {
      // Validates the plan and the caller's WatchPlan limit: errors answer as JSON, before any event.
      calls.stream(MasterGrpc.getWatchPlanMethod(), caller, remote, () -> calls.service().watchPlan(
          WatchPlanRequest.newBuilder().setPlanId(plan).setAfterSequence(after).build(), events));
    } catch (RuntimeException e) {
      release.run();
      throw e;
    }
    return handOver(ex, release, events::cancel, out -> events.pump(out, settings.keepalive()));
  }

  boolean plans(HttpExchange ex, Principal caller, String remote) throws IOException {
    Supplier<String> list = () -> {
      ListPlansResponse r = calls.unary(MasterGrpc.getListPlansMethod(), caller, remote,
          (m, o) -> m.listPlans(ListPlansRequest.getDefaultInstance(), o));
      return HttpIo.json(r);
    };
    return ticking(ex, caller, "plans", list, settings.plansInterval(), true);
  }

  boolean dashboard(HttpExchange ex, Principal caller, String remote) throws IOException {
    return ticking(ex, caller, "dashboard", () -> dashboardJson(caller, remote), settings.dashboardInterval(), false);
  }

  /**
   * A stream of {@code event} computed every {@code interval}: sent at once, then on each tick (only
   * when it changed, if {@code onChange}), with keepalive comments in between.
   */
  private boolean ticking(HttpExchange ex, Principal caller, String event, Supplier<String> compute, Duration interval,
      boolean onChange) throws IOException {
    String first = compute.get(); // refusals (401, 403) answer as JSON, before the stream starts
    Runnable release = limits.acquire(caller.subject());
    return handOver(ex, release, () -> { }, out -> {
      try (out) {
        String last = first;
        out.event(null, event, first);
        long quietSince = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
          Thread.sleep(interval.toMillis()); // the stream's own thread paces its ticks; interrupted on close
          String now;
          try {
            now = compute.get();
          } catch (ApiError e) {
            out.event(null, "error", "{\"error\":" + HttpIo.str(e.getMessage()) + ",\"code\":" + HttpIo.str(e.code) + "}");
            return;
          }
          if (!onChange || !now.equals(last)) {
            out.event(null, event, now);
            last = now;
            quietSince = System.nanoTime();
          } else if (System.nanoTime() - quietSince >= settings.keepalive().toNanos()) {
            out.comment("keepalive");
            quietSince = System.nanoTime();
          }
        }
      } catch (IOException e) {
        // the client left
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  /** A body run on a stream thread with the open response. */
  private interface Body {
    void run(SseStream out) throws IOException;
  }

  private boolean handOver(HttpExchange ex, Runnable release, Runnable cancel, Body body) throws IOException {
    SseStream out;
    try {
      out = new SseStream(ex);
    } catch (IOException e) {
      cancel.run();
      release.run();
      throw e;
    }
    try {
      pool.execute(() -> {
        try {
          body.run(out);
        } catch (IOException e) {
          cancel.run();
        } finally {
          out.close();
          release.run();
        }
      });
      return true;
    } catch (RejectedExecutionException e) {
      // Only when the server closes (the pool has a thread for every admitted stream).
      cancel.run();
      release.run();
      out.close();
      return true;
    }
  }
}
