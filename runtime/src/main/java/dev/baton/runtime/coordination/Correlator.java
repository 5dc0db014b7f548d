package dev.baton.runtime.coordination;

import dev.baton.runtime.server.BatonException;
import dev.baton.v1.CrossOrchestratorMessage;
import io.grpc.Status;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Requests waiting for their response, by correlation id. A response completes its request's future;
 * a request with none by its timeout fails with DEADLINE_EXCEEDED naming the peer and the subject.
 */
public final class Correlator {
  private record Pending(CrossOrchestratorMessage request, CompletableFuture<CrossOrchestratorMessage> future,
      ScheduledFuture<?> timer) {}

  private final ScheduledExecutorService scheduler;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  public Correlator(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  /** Waits for the response to {@code request} (which must carry a correlation id) for up to {@code timeout}. */
  public CompletableFuture<CrossOrchestratorMessage> expect(CrossOrchestratorMessage request, Duration timeout) {
    String id = request.getCorrelationId();
    if (id.isEmpty()) {
      throw new IllegalArgumentException("correlation_id is empty (expected: an id for the response to carry)");
    }
    CompletableFuture<CrossOrchestratorMessage> future = new CompletableFuture<>();
    ScheduledFuture<?> timer;
    try {
      timer = scheduler.schedule(() -> timeout(id, timeout), timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      future.completeExceptionally(BatonException.unavailable("the orchestrator is shutting down"));
      return future;
    }
    if (pending.putIfAbsent(id, new Pending(request, future, timer)) != null) {
      timer.cancel(false);
      throw new IllegalArgumentException("correlation_id: " + id + " (expected: unique; a request with it is pending)");
    }
    return future;
  }

  /** Completes the request {@code response} answers; false if none waits (late or unknown). */
  public boolean complete(CrossOrchestratorMessage response) {
    Pending p = pending.remove(response.getCorrelationId());
    if (p == null) {
      return false;
    }
    p.timer().cancel(false);
    if (!response.getError().isEmpty()) {
      p.future().completeExceptionally(new BatonException(Status.Code.UNAVAILABLE, response.getError()));
    } else {
      p.future().complete(response);
    }
    return true;
  }

  /** Fails a pending request now (e.g. it could not be sent). */
  public void fail(String correlationId, Throwable error) {
    Pending p = pending.remove(correlationId);
    if (p != null) {
      p.timer().cancel(false);
      p.future().completeExceptionally(error);
    }
  }

  public int pending() {
    return pending.size();
  }

  private void timeout(String id, Duration timeout) {
    Pending p = pending.remove(id);
    if (p == null) {
      return;
    }
    CrossOrchestratorMessage r = p.request();
    p.future().completeExceptionally(new BatonException(Status.Code.DEADLINE_EXCEEDED,
        "no response from " + r.getToOrchestrator() + " to " + Messages.typeWord(r.getType()) + " '"
            + r.getPayload().getSubject() + "' (correlation " + id + ") within " + timeout.toMillis() + " ms"));
  }
}
