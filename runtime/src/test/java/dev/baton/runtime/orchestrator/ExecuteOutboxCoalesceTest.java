package dev.baton.runtime.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.v1.DroidEvent;
import dev.baton.v1.ExecuteResponse;
import dev.baton.v1.ExecutionState;
import dev.baton.v1.ExecutionUpdate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** A slow reader's coalesced progress keeps every droid event, in order, up to the bound. */
class ExecuteOutboxCoalesceTest {
  private static ExecutionUpdate update(double progress, long... indices) {
    ExecutionUpdate.Builder u = ExecutionUpdate.newBuilder().setExecutionId("e1")
        .setState(ExecutionState.EXECUTION_STATE_RUNNING).setProgress(progress);
    for (long i : indices) {
      u.addEvents(DroidEvent.newBuilder().setIndex(i));
    }
    return u.build();
  }

  @Test
  void theNewerUpdateWinsAndCarriesTheEventsOfBoth() {
    ExecuteResponse merged = ExecuteOutbox.coalesce(update(0.2, 1, 2), update(0.4, 3));
    assertThat(merged.getUpdate().getProgress()).isEqualTo(0.4);
    assertThat(merged.getUpdate().getEventsList()).extracting(DroidEvent::getIndex).containsExactly(1L, 2L, 3L);
  }

  @Test
  void pastTheBoundTheOldestEventsAreLeftOutForPaging() {
    long[] many = LongStream.rangeClosed(1, ExecuteOutbox.MAX_COALESCED_EVENTS).toArray();
    ExecuteResponse merged = ExecuteOutbox.coalesce(update(0.2, many), update(0.3, 1_001, 1_002));
    assertThat(merged.getUpdate().getEventsCount()).isEqualTo(ExecuteOutbox.MAX_COALESCED_EVENTS);
    assertThat(merged.getUpdate().getEvents(0).getIndex()).isEqualTo(3);
    assertThat(merged.getUpdate().getEvents(ExecuteOutbox.MAX_COALESCED_EVENTS - 1).getIndex()).isEqualTo(1_002);
  }
}
