package dev.baton.master.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.v1.PlanAccepted;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.TaskProgress;
import dev.baton.v1.TaskStatus;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class InMemoryPlanStoreTest {
  private final InMemoryPlanStore store = new InMemoryPlanStore(Clock.systemUTC());

  private void accept(String id) {
    store.append(PlanEvent.newBuilder().setPlanId(id).setPlanAccepted(PlanAccepted.newBuilder().setName(id)
        .addTasks(TaskStatus.newBuilder().setId("a"))).build());
  }

  private void progress(String id, double p) {
    store.append(PlanEvent.newBuilder().setPlanId(id)
        .setTaskProgress(TaskProgress.newBuilder().setTaskId("a").setProgress(p)).build());
  }

  @Test
  void assignsGaplessSequencesPerPlanAndReadsAfterOne() {
    accept("p");
    accept("q");
    progress("p", 0.1);
    progress("p", 0.2);
    assertThat(store.read("p", 0)).extracting(PlanEvent::getSequence).containsExactly(1L, 2L, 3L);
    assertThat(store.read("q", 0)).extracting(PlanEvent::getSequence).containsExactly(1L);
    assertThat(store.read("p", 2)).extracting(PlanEvent::getSequence).containsExactly(3L);
    assertThat(store.status("p").orElseThrow().getLastSequence()).isEqualTo(3);
    assertThat(store.list()).extracting(s -> s.getPlanId()).containsExactlyInAnyOrder("p", "q");
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
    var sub = store.subscribe("p", 10, e -> seen.add(e.getSequence()));
    writer.join();
    sub.close();
    assertThat(seen).containsExactlyElementsOf(LongStream.rangeClosed(11, 551).boxed().toList());
  }

  @Test
  void closedSubscriptionHearsNothingMore() {
    accept("p");
    List<Long> seen = new CopyOnWriteArrayList<>();
    var sub = store.subscribe("p", 0, e -> seen.add(e.getSequence()));
    progress("p", 0.1);
    sub.close();
    progress("p", 0.2);
    assertThat(seen).containsExactly(1L, 2L);
  }
}
