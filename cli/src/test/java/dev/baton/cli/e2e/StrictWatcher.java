package dev.baton.cli.e2e;

import dev.baton.v1.MasterGrpc;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.WatchPlanRequest;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * A WatchPlan client that follows a plan across masters the way the CLI does (re-open after the
 * last sequence seen, on the next master, when a stream breaks or ends early) but judges what the
 * servers send instead of smoothing it over: every event a stream delivers must be exactly the
 * next sequence. A replay or a gap is recorded as a violation (and the event is not kept), so a
 * test can assert that no master ever sent either.
 *
 * <p>Runs on its own daemon thread; {@link #events} and {@link #violations} are safe to read from
 * any thread.
 */
final class StrictWatcher implements AutoCloseable {
  final List<PlanEvent> events = new CopyOnWriteArrayList<>();
  final List<String> violations = new CopyOnWriteArrayList<>();
  /** Every stream opened, as {@code master after N -> how it ended}. */
  final List<String> streams = new CopyOnWriteArrayList<>();
  final CompletableFuture<List<PlanEvent>> done = new CompletableFuture<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<String> addresses;
  private final String planId;
  private volatile boolean closed;
  private volatile Context.CancellableContext current;

  StrictWatcher(List<String> addresses, String planId) {
    this(addresses, planId, dev.baton.runtime.security.ClientSecurity.plaintext());
  }

  StrictWatcher(List<String> addresses, String planId, dev.baton.runtime.security.ClientSecurity security) {
    this.addresses = List.copyOf(addresses);
    this.planId = planId;
    for (String a : addresses) {
      channels.add(security.nettyBuilder(a).build());
    }
    Thread t = new Thread(this::run, "strict-watch-" + planId);
    t.setDaemon(true);
    t.start();
  }

  private void run() {
    int next = 0;
    long last = 0;
    while (!closed) {
      int i = next;
      long after = last;
      Context.CancellableContext context = Context.current().withCancellation();
      current = context;
      String ending;
      try {
        last = context.call(() -> stream(channels.get(i), after));
        ending = done.isDone() ? "finished" : "ended";
      } catch (StatusRuntimeException e) {
        ending = e.getStatus().getCode().name();
      } catch (Exception e) {
        ending = e.toString();
      } finally {
        context.cancel(null);
      }
      if (!events.isEmpty()) {
        last = events.get(events.size() - 1).getSequence();
      }
      streams.add(addresses.get(i) + " after " + after + " -> " + ending + " at " + last);
      if (done.isDone()) {
        return;
      }
      next = (i + 1) % addresses.size();
      // A short pause between opens, so a master that refuses at once is not hammered.
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  /** One stream; returns the last sequence kept. */
  private long stream(ManagedChannel channel, long after) {
    long last = after;
    Iterator<PlanEvent> it = MasterGrpc.newBlockingStub(channel)
        .watchPlan(WatchPlanRequest.newBuilder().setPlanId(planId).setAfterSequence(after).build());
    while (it.hasNext()) {
      PlanEvent e = it.next();
      if (e.getSequence() != last + 1) {
        violations.add("asked after " + after + ", got " + e.getSequence() + " where " + (last + 1) + " was due");
        if (e.getSequence() <= last) {
          continue;
        }
        // A gap: give up this stream and re-open after the last one kept.
        return last;
      }
      last = e.getSequence();
      events.add(e);
      if (e.hasPlanFinished()) {
        done.complete(List.copyOf(events));
        return last;
      }
    }
    return last;
  }

  boolean any(Predicate<PlanEvent> p) {
    return events.stream().anyMatch(p);
  }

  long count(Predicate<PlanEvent> p) {
    return events.stream().filter(p).count();
  }

  List<PlanEvent> awaitEnd(long seconds) throws Exception {
    try {
      return done.get(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("plan " + planId + " did not finish within " + seconds + " s; streams " + streams
          + "; events:\n" + ChaosPlan.describe(events), e);
    }
  }

  @Override
  public void close() {
    closed = true;
    Context.CancellableContext c = current;
    if (c != null) {
      c.cancel(null);
    }
    channels.forEach(ManagedChannel::shutdownNow);
  }
}
