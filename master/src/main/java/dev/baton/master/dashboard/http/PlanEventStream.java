package dev.baton.master.dashboard.http;

import dev.baton.runtime.server.StatusMapping;
import dev.baton.v1.PlanEvent;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC WatchPlan handler's view of an SSE response: {@code MasterService.watchPlan} (its
 * PlanWatcher) writes into this observer exactly as into a gRPC call, honouring {@link #isReady()}
 * (a queue of at most {@value #HIGH} events), so a slow browser costs a cursor, not memory.
 *
 * <p>Threads: the store's subscriber thread (and, at the start, the request thread) calls
 * onNext/onCompleted; the stream's own thread runs {@link #pump}, writes to the socket and calls the
 * ready handler when the queue drains, and the cancel handler when the client goes away.
 */
final class PlanEventStream extends ServerCallStreamObserver<PlanEvent> {
  static final int HIGH = 256;
  private static final Object END = new Object();

  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private volatile Runnable onReady = () -> { };
  private volatile Runnable onCancel = () -> { };
  private volatile boolean cancelled;

  @Override
  public boolean isReady() {
    return !cancelled && queue.size() < HIGH;
  }

  @Override
  public void onNext(PlanEvent value) {
    queue.add(value);
  }

  @Override
  public void onError(Throwable t) {
    queue.add(t);
  }

  @Override
  public void onCompleted() {
    queue.add(END);
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public void setOnCancelHandler(Runnable handler) {
    onCancel = handler;
  }

  @Override
  public void setOnReadyHandler(Runnable handler) {
    onReady = handler;
  }

  @Override
  public void setCompression(String compression) {
  }

  @Override
  public void request(int count) {
  }

  @Override
  public void setMessageCompression(boolean enable) {
  }

  @Override
  public void disableAutoInboundFlowControl() {
  }

  /**
   * Writes events until the plan's {@code end}, an error, the client's leaving or an interrupt (the
   * server closing); then releases the stream. Runs on the stream's thread.
   */
  void pump(SseStream out, Duration keepalive) {
    try (out) {
      while (true) {
        Object item = queue.poll(keepalive.toMillis(), TimeUnit.MILLISECONDS);
        if (item == null) {
          out.comment("keepalive");
        } else if (item instanceof PlanEvent e) {
          out.event(Long.toString(e.getSequence()), "plan-event", HttpIo.json(e));
          if (queue.isEmpty()) {
            onReady.run(); // the watcher may send what it held back
          }
        } else if (item == END) {
          out.event(null, "end", "{}");
          return;
        } else if (item instanceof Throwable t) {
          ApiError err = ApiError.of(StatusMapping.toStatus(t));
          out.event(null, "error", "{\"error\":" + HttpIo.str(err.getMessage()) + ",\"code\":" + HttpIo.str(err.code) + "}");
          return;
        }
      }
    } catch (IOException e) {
      cancel();
    } catch (InterruptedException e) {
      cancel();
      Thread.currentThread().interrupt();
    }
  }

  /** The client left (or the server closes): the watcher unsubscribes and gives its slot back. */
  void cancel() {
    if (!cancelled) {
      cancelled = true;
      onCancel.run();
    }
  }
}
