package dev.baton.master.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The harness itself: timers fire in due order when time is advanced, with what they cause before the next. */
class ManualClockTest {
  private final ManualClock clock = ManualClock.create();
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    clock.close();
  }

  @Test
  void timersFireOnlyWhenTheClockPassesThemInDueOrderThenSubmissionOrder() {
    ManualExecutor a = clock.newExecutor("a");
    ManualExecutor b = clock.newExecutor("b");
    a.schedule(() -> seen.add("a@3s"), 3, TimeUnit.SECONDS);
    b.schedule(() -> seen.add("b@1s"), 1, TimeUnit.SECONDS);
    a.schedule(() -> seen.add("a@1s"), 1, TimeUnit.SECONDS);

    clock.advance(Duration.ofMillis(999));
    assertThat(seen).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(seen).containsExactly("b@1s", "a@1s");
    clock.advance(Duration.ofSeconds(5));
    assertThat(seen).containsExactly("b@1s", "a@1s", "a@3s");
    assertThat(clock.instant()).isEqualTo(ManualClock.DEFAULT_START.plusSeconds(6));
  }

  @Test
  void whatATimerCausesOnOtherLanesHappensBeforeTheNextTimerAndAtItsTime() {
    ManualExecutor engine = clock.newExecutor("engine");
    ManualExecutor timers = clock.newExecutor("timers");
    timers.schedule(() -> engine.execute(() -> seen.add("posted at " + clock.instant().getEpochSecond() % 60)),
        2, TimeUnit.SECONDS);
    timers.schedule(() -> seen.add("next at " + clock.instant().getEpochSecond() % 60), 2, TimeUnit.SECONDS);

    clock.advance(Duration.ofSeconds(10));
    assertThat(seen).containsExactly("posted at 2", "next at 2");
  }

  @Test
  void periodicTimersRepeatUntilCancelledAndExecutedTasksRunAtOnce() throws Exception {
    ManualExecutor lane = clock.newExecutor("lane");
    ScheduledFuture<?> tick = lane.scheduleWithFixedDelay(() -> seen.add("tick"), 100, 100, TimeUnit.MILLISECONDS);
    assertThat(lane.submit(() -> "now").get(5, TimeUnit.SECONDS)).isEqualTo("now");

    clock.advance(Duration.ofMillis(350));
    assertThat(seen).containsExactly("tick", "tick", "tick");
    tick.cancel(false);
    clock.advance(Duration.ofSeconds(1));
    assertThat(seen).hasSize(3);
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void advanceUntilStopsAtTheTimerThatMadeTheConditionTrue() {
    ManualExecutor lane = clock.newExecutor("lane");
    lane.schedule(() -> seen.add("done"), 42, TimeUnit.SECONDS);
    lane.schedule(() -> seen.add("later"), 60, TimeUnit.SECONDS);

    Duration took = clock.advanceUntil(() -> seen.contains("done"), Duration.ofMinutes(5));
    assertThat(took).isEqualTo(Duration.ofSeconds(42));
    assertThat(seen).containsExactly("done");
    assertThatThrownBy(() -> clock.advanceUntil(() -> seen.contains("never"), Duration.ofMinutes(1)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("after PT1M of manual time");
  }

  @Test
  void aLaneCannotWaitForTheClockItself() throws Exception {
    ManualExecutor lane = clock.newExecutor("lane");
    var f = lane.submit(() -> {
      clock.settle();
      return null;
    });
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("it would wait for itself");
    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).hasMessageContaining("expected: >= 0");
  }
}
