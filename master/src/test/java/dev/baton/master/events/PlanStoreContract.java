package dev.baton.master.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.v1.PlanAccepted;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanFinished;
import dev.baton.v1.PlanState;
import dev.baton.v1.TaskProgress;
import dev.baton.v1.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PlanStore} does, whatever keeps its events: subclasses give the store (the
 * in-memory one, the journal on SQLite, the journal on PostgreSQL). Subscribers of a durable store
 * hear events after their commit, on the writer's thread, so deliveries are awaited.
 */
public abstract class PlanStoreContract {
  private static final Duration DELIVERY = Duration.ofSeconds(10);

  /** A fresh, empty store ready to append. */
  protected abstract PlanStore store();

  protected void accept(String id) {
    store().append(PlanEvent.newBuilder().setPlanId(id).setPlanAccepted(PlanAccepted.newBuilder().setName(id)
        .addTasks(TaskStatus.newBuilder().setId("a"))).build());
  }

  protected void progress(String id, double p) {
    store().append(PlanEvent.newBuilder().setPlanId(id)
        .setTaskProgress(TaskProgress.newBuilder().setTaskId("a").setProgress(p)).build());
  }

  @Test
  void assignsGaplessSequencesPerPlanAndReadsAfterOne() {
    accept("p");
    accept("q");
    progress("p", 0.1);
    progress("p", 0.2);
    assertThat(store().read("p", 0)).extracting(PlanEvent::getSequence).containsExactly(1L, 2L, 3L);
    assertThat(store().read("q", 0)).extracting(PlanEvent::getSequence).containsExactly(1L);
    assertThat(store().read("p", 2)).extracting(PlanEvent::getSequence).containsExactly(3L);
    assertThat(store().read("p", 0, 2)).extracting(PlanEvent::getSequence).containsExactly(1L, 2L);
    assertThat(store().read("p", 1, 5)).extracting(PlanEvent::getSequence).containsExactly(2L, 3L);
    assertThat(store().read("p", 3, 5)).isEmpty();
    assertThat(store().read("nope", 0, 5)).isEmpty();
    assertThat(store().status("p").orElseThrow().getLastSequence()).isEqualTo(3);
    assertThat(store().task("p", "a").orElseThrow().getProgress()).isEqualTo(0.2);
    assertThat(store().list()).extracting(s -> s.getPlanId()).containsExactlyInAnyOrder("p", "q");
  }

  @Test
  void subscriberSeesReplayThenLiveWithoutGapsOrDuplicatesUnderConcurrentAppends() throws Exception {
    accept("p");
    for (int i = 0; i < 50; i++) {
      progress("p", i / 1000.0);
    }
    Thread writer = new Thread(() -> {
      for (int i = 0; i < 500; i++) {
        progress("p", 0.5);
      }
    });
    List<Long> seen = new CopyOnWriteArrayList<>();
    writer.start();
    var sub = store().subscribe("p", 10, e -> seen.add(e.getSequence()));
    writer.join();
    await().atMost(DELIVERY).until(() -> seen.size() >= 541);
    sub.close();
    assertThat(seen).containsExactlyElementsOf(LongStream.rangeClosed(11, 551).boxed().toList());
  }

  @Test
  void closedSubscriptionHearsNothingMore() {
    accept("p");
    List<Long> seen = new CopyOnWriteArrayList<>();
    var sub = store().subscribe("p", 0, e -> seen.add(e.getSequence()));
    progress("p", 0.1);
    await().atMost(DELIVERY).until(() -> seen.size() == 2);
    sub.close();
    progress("p", 0.2);
    // The third event's delivery would come with its durability: wait for that, then check.
    List<Long> after = new CopyOnWriteArrayList<>();
    var probe = store().subscribe("p", 2, e -> after.add(e.getSequence()));
    await().atMost(DELIVERY).until(() -> after.contains(3L));
    probe.close();
    assertThat(seen).containsExactly(1L, 2L);
  }

  @Test
  void refusesEventsBeforeAcceptanceAfterFinishAndASecondAcceptance() {
    assertThatThrownBy(() -> progress("nope", 0.1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has no PlanAccepted");
    accept("p");
    assertThatThrownBy(() -> accept("p")).isInstanceOf(IllegalStateException.class).hasMessageContaining("already accepted");
    store().append(PlanEvent.newBuilder().setPlanId("p")
        .setPlanFinished(PlanFinished.newBuilder().setState(PlanState.PLAN_STATE_SUCCEEDED)).build());
    assertThatThrownBy(() -> progress("p", 0.3)).isInstanceOf(IllegalStateException.class).hasMessageContaining("already finished");
    assertThat(store().read("p", 0)).hasSize(2);
  }

  @Test
  void afterDurableRunsOnceForEachActionInOrder() {
    accept("p");
    List<Integer> ran = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 20; i++) {
      progress("p", i / 100.0);
      int n = i;
      store().afterDurable(() -> ran.add(n));
    }
    await().atMost(DELIVERY).until(() -> ran.size() == 20);
    assertThat(ran).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).boxed().toList());
  }
}
