package dev.baton.master.delegation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.master.grpc.TcpProxy;
import dev.baton.master.resilience.Breakers;
import dev.baton.master.resilience.ResilienceConfig;
import dev.baton.master.testing.FakeSubOrchestrator;
import dev.baton.v1.DelegateResponse;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.ExecutionState;
import dev.baton.v1.ExecutionUpdate;
import dev.baton.v1.SimulationSpec;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The delegator over its Execute streams, against a fake instance behind a TCP proxy that can cut connections. */
class DelegatorTest {
  private final ResilienceConfig config = ResilienceConfig.builder()
      .callDeadline(Duration.ofMillis(300))
      .watchIdleTimeout(Duration.ofMillis(400))
      .build();
  /** One thread, as the master's timers have: {@link #timerBarrier} then proves its queue ran. */
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final Breakers breakers = new Breakers(config, Clock.systemUTC());
  private final ChannelPool channels = ChannelPool.netty();
  private final Delegator delegator = new Delegator(channels, config, breakers, timer, Clock.systemUTC(), new Random(7));
  // No master listens at port 1: the fake's Coordinate stream just fails, which these tests ignore.
  private final FakeSubOrchestrator fake = FakeSubOrchestrator.start("backend-1", "backend", 8, "127.0.0.1:1");
  private final TcpProxy proxy = new TcpProxy(fake.address());
  private final Delegator.Target target = new Delegator.Target("backend-1", proxy.address());
  private final Map<String, String> opened = new ConcurrentHashMap<>();

  @AfterEach
  void stop() {
    channels.close();
    proxy.close();
    fake.close();
    timer.shutdownNow();
  }

  /** Records every callback of one delegation, in order, as text. */
  private static final class Recorder implements ExecutionListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile DelegateResponse accepted;
    volatile Status lost;

    @Override
    public void onAccepted(DelegateResponse response) {
      accepted = response;
      events.add("accepted " + response.getExecutionId());
    }

    @Override
    public void onUpdate(ExecutionUpdate update) {
      events.add("update " + update.getState());
    }

    @Override
    public void onDelegateFailed(Status status) {
      events.add("failed " + status.getCode());
    }

    @Override
    public void onWatchLost(Status status) {
      lost = status;
      events.add("lost " + status.getCode());
    }

    boolean ended() {
      return events.stream().anyMatch(e -> e.startsWith("lost") || e.startsWith("failed")
          || e.equals("update EXECUTION_STATE_SUCCEEDED") || e.equals("update EXECUTION_STATE_FAILED"));
    }
  }

  /** Returns once the delegator's timer thread has run everything queued on it before now. */
  private void timerBarrier() throws Exception {
    timer.submit(() -> { }).get(5, TimeUnit.SECONDS);
  }

  private static DelegationPackage task(String id, SimulationSpec spec) {
    return DelegationPackage.newBuilder().setPlanId("p").setTaskId(id).setAttempt(1).setSimulation(spec).build();
  }

  private Recorder delegate(DelegationPackage pkg) {
    Recorder r = new Recorder();
    assertThat(breakers.tryAcquire(target.instanceId())).isTrue();
    delegator.delegate(target, pkg, Duration.ofSeconds(30), r);
    return r;
  }

  @Test
  void streamBreakLosesEveryOutstandingWatchExactlyOnceAndCountsAgainstTheInstance() throws Exception {
    breakers.addListener((id, why) -> opened.put(id, why));
    List<Recorder> hung = IntStream.range(0, 3)
        .mapToObj(i -> delegate(task("hangs-" + i, SimulationSpec.newBuilder().setHang(true).build()))).toList();
    await().atMost(Duration.ofSeconds(5)).until(() -> hung.stream().allMatch(r -> r.events.size() == 2));

    proxy.cut();

    await().atMost(Duration.ofSeconds(5)).until(() -> hung.stream().allMatch(r -> r.events.size() >= 3));
    // The break delivers every loss at once, on the transport's thread; a second one could only come
    // from the stream's periodic check, on the timer's thread: once that thread has run what was
    // queued, the record is final.
    timerBarrier();
    for (Recorder r : hung) {
      assertThat(r.events).containsExactly("accepted " + r.accepted.getExecutionId(),
          "update EXECUTION_STATE_RUNNING", "lost UNAVAILABLE");
      assertThat(r.lost.getDescription())
          .startsWith("watch of " + r.accepted.getExecutionId() + " on backend-1 broke: UNAVAILABLE");
    }
    // three accepted calls, then three lost watches: half of the window failed
    await().atMost(Duration.ofSeconds(2)).until(() -> opened.containsKey("backend-1"));
    assertThat(opened.get("backend-1")).contains("of the last 6 calls failed").contains("broke");
    assertThat(fake.executeStreams.get()).isEqualTo(1);
  }

  @Test
  void delegationsAfterABreakGoOverANewStreamAndReattachToTheSameExecution() {
    DelegationPackage hangs = task("hangs", SimulationSpec.newBuilder().setHang(true).build());
    Recorder first = delegate(hangs);
    await().atMost(Duration.ofSeconds(5)).until(() -> first.events.size() == 2);

    proxy.cut();
    await().atMost(Duration.ofSeconds(5)).until(() -> first.lost != null);
    Recorder reattached = delegate(hangs);
    Recorder fresh = delegate(task("quick", SimulationSpec.newBuilder().setDurationMillis(20).build()));

    await().atMost(Duration.ofSeconds(5)).until(() -> reattached.events.size() == 2 && fresh.ended());
    assertThat(reattached.accepted.getExecutionId()).isEqualTo(first.accepted.getExecutionId());
    assertThat(reattached.accepted.getCreated()).isFalse();
    assertThat(reattached.events).endsWith("update EXECUTION_STATE_RUNNING");
    assertThat(fresh.events).endsWith("update EXECUTION_STATE_SUCCEEDED");
    assertThat(fake.executeStreams.get()).isEqualTo(2);
    assertThat(first.events).hasSize(3);
  }

  @Test
  void stopWatchingEndsTheCallbacksWithoutCancellingTheWork() {
    Recorder r = new Recorder();
    assertThat(breakers.tryAcquire(target.instanceId())).isTrue();
    Delegator.Handle handle = delegator.delegate(target,
        task("slow", SimulationSpec.newBuilder().setDurationMillis(300).build()), Duration.ofSeconds(30), r);
    await().atMost(Duration.ofSeconds(5)).until(() -> r.events.size() == 2);

    handle.stopWatching();

    await().atMost(Duration.ofSeconds(5)).until(() -> fake.streamed.contains("slow#1 EXECUTION_STATE_SUCCEEDED"));
    // The stream is ordered: a task delegated now, on the same stream, is answered after the end of
    // "slow" arrived and was handled, so when its own end is in, so was slow's (and was ignored).
    Recorder later = delegate(task("later", SimulationSpec.newBuilder().setDurationMillis(1).build()));
    await().atMost(Duration.ofSeconds(5)).until(later::ended);
    assertThat(later.events).endsWith("update EXECUTION_STATE_SUCCEEDED");
    assertThat(fake.executeStreams.get()).as("both on one stream").isEqualTo(1);
    assertThat(r.events).as("nothing after stopWatching").hasSize(2);
    assertThat(fake.cancelled).isEmpty();
  }

  @Test
  void silentStreamProbesTheInstanceAndAHungOneOpensItsBreaker() {
    breakers.addListener((id, why) -> opened.put(id, why));
    List<Recorder> running = IntStream.range(0, 3)
        .mapToObj(i -> delegate(task("long-" + i, SimulationSpec.newBuilder().setHang(true).build()))).toList();
    await().atMost(Duration.ofSeconds(5)).until(() -> running.stream().allMatch(r -> r.events.size() == 2));
    long hungAt = System.nanoTime();

    fake.hang();

    await().atMost(Duration.ofSeconds(5)).until(() -> opened.containsKey("backend-1"));
    long detectedMillis = (System.nanoTime() - hungAt) / 1_000_000;
    System.out.println("FIGURE hung instance on a silent Execute stream, breaker open after ms: " + detectedMillis);
    assertThat(opened.get("backend-1")).contains("Describe to backend-1").contains("DEADLINE_EXCEEDED");
    // idle timeout, then one round of parallel probes failing at their deadline, with slack for a busy machine
    assertThat(detectedMillis).isLessThan(config.watchIdleTimeout().plus(config.callDeadline()).toMillis() + 1000);
    assertThat(running).allSatisfy(r -> assertThat(r.events).doesNotContain("update " + ExecutionState.EXECUTION_STATE_SUCCEEDED));
  }
}
