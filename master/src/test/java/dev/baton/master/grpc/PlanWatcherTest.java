package dev.baton.master.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.master.events.InMemoryPlanStore;
import dev.baton.master.events.PlanStore;
import dev.baton.v1.PlanAccepted;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanFinished;
import dev.baton.v1.PlanState;
import dev.baton.v1.TaskProgress;
import dev.baton.v1.TaskStatus;
import io.grpc.stub.ServerCallStreamObserver;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A watcher replaying a long plan reads each stored event a bounded number of times: the
 * subscription's replay calls it once per event, and reading the rest of the plan each time cost
 * the square of the plan's length (a 10,000-task plan's stream took a minute to start).
 */
class PlanWatcherTest {
  static final int EVENTS = 3_000;

  @Test
  void aReplayFromTheStartReadsEachEventAboutOnceAndSendsEveryOneInOrder() {
    InMemoryPlanStore real = new InMemoryPlanStore(Clock.systemUTC());
    real.append(PlanEvent.newBuilder().setPlanId("p").setPlanAccepted(PlanAccepted.newBuilder().setName("p")
        .addTasks(TaskStatus.newBuilder().setId("a"))).build());
    for (int i = 1; i < EVENTS - 1; i++) {
      real.append(PlanEvent.newBuilder().setPlanId("p")
          .setTaskProgress(TaskProgress.newBuilder().setTaskId("a").setProgress(i / (double) EVENTS)).build());
    }
    real.append(PlanEvent.newBuilder().setPlanId("p")
        .setPlanFinished(PlanFinished.newBuilder().setState(PlanState.PLAN_STATE_SUCCEEDED)).build());
    AtomicLong eventsRead = new AtomicLong();
    PlanStore counting = (PlanStore) Proxy.newProxyInstance(PlanStore.class.getClassLoader(),
        new Class<?>[] {PlanStore.class}, (proxy, method, args) -> {
          try {
            Object r = method.invoke(real, args);
            if (method.getName().equals("read")) {
              eventsRead.addAndGet(((List<?>) r).size());
            }
            return r;
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    Collecting call = new Collecting();
    new PlanWatcher(counting, "p", 0, call).start();

    assertThat(call.completed).isTrue();
    assertThat(call.sent).extracting(PlanEvent::getSequence)
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, EVENTS).boxed().toList());
    assertThat(eventsRead.get()).as("events read from the store for %d sent", EVENTS).isLessThanOrEqualTo(2L * EVENTS);
  }

  /** A call that is always ready and keeps what it is sent. */
  private static final class Collecting extends ServerCallStreamObserver<PlanEvent> {
    final List<PlanEvent> sent = new ArrayList<>();
    boolean completed;

    @Override public boolean isReady() {
      return true;
    }

    @Override public void onNext(PlanEvent value) {
      sent.add(value);
    }

    @Override public void onError(Throwable t) {
      throw new AssertionError(t);
    }

    @Override public void onCompleted() {
      completed = true;
    }

    @Override public boolean isCancelled() {
      return false;
    }

    @Override public void setOnCancelHandler(Runnable handler) {}

    @Override public void setOnReadyHandler(Runnable handler) {}

    @Override public void setCompression(String compression) {}

    @Override public void request(int count) {}

    @Override public void setMessageCompression(boolean enable) {}

    @Override public void disableAutoInboundFlowControl() {}
  }
}
