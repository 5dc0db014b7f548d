package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SubmitPlanRequest;
import dev.baton.v1.SubmitPlanResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clients follow the leader and survive a master's death: real gRPC servers on real ports
 * ({@link FakeMaster}) standing in for a leader and standbys.
 */
class LeaderFollowingTest {
  /** Short backoff so that a test that must retry does so in milliseconds. */
  private static final RetryPolicy FAST =
      new RetryPolicy(Duration.ofSeconds(20), Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(5));

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private FakeMaster master() throws IOException {
    FakeMaster m = new FakeMaster();
    open.add(m);
    return m;
  }

  private MasterClient client(RetryPolicy policy, String... addresses) {
    MasterClient c = MasterClient.connect(MasterAddresses.parse("--master", List.of(addresses)), policy);
    open.add(0, c); // closed before the servers
    return c;
  }

  private static SubmitPlanRequest submission() {
    return SubmitPlanRequest.newBuilder().setPlanYaml("kind: Plan").setRequestId("req-7f3a").build();
  }

  @Test
  void aWriteRefusedByAStandbyFollowsTheLeaderTrailerAndLandsOnTheLeaderOnce() throws IOException {
    FakeMaster leader = master();
    FakeMaster standby = master();
    standby.leader = leader::address;
    // Only the standby is given: the leader is found through the trailer alone.
    MasterClient client = client(FAST, standby.address());

    SubmitPlanResponse response = client.submit(submission());

    assertThat(response.getPlanId()).isEqualTo(FakeMaster.PLAN);
    assertThat(response.getCreated()).isTrue();
    assertThat(standby.submits).hasSize(1);
    assertThat(leader.submits).hasSize(1);
    assertThat(leader.plansStarted).hasValue(1);
    assertThat(leader.submits.get(0).getRequestId()).isEqualTo(standby.submits.get(0).getRequestId())
        .isEqualTo("req-7f3a");
    assertThat(client.address()).isEqualTo(leader.address());

    // The leader is remembered: the next write goes straight there.
    client.cancel(FakeMaster.PLAN, "enough");
    assertThat(standby.cancels).isEmpty();
    assertThat(leader.cancels).hasSize(1);
  }

  @Test
  void aSubmissionRetriedAfterUnavailableKeepsItsRequestIdAndStartsThePlanOnce() throws IOException {
    FakeMaster leader = master();
    leader.refuseWrites.set(2); // the engine was busy twice
    leader.loseNextAnswer = true; // then took the plan but its answer was lost
    MasterClient client = client(FAST, leader.address());

    SubmitPlanResponse response = client.submit(submission());

    assertThat(leader.submits).hasSize(4).extracting(SubmitPlanRequest::getRequestId).containsOnly("req-7f3a");
    assertThat(leader.plansStarted).hasValue(1);
    assertThat(response.getPlanId()).isEqualTo(FakeMaster.PLAN);
    assertThat(response.getCreated()).as("the retry found the plan its lost try started").isFalse();
  }

  @Test
  void aWriteSkipsADeadAddressAndAStandbyWithoutAHintThenGivesUpNamingEach() throws IOException {
    FakeMaster standby = master();
    standby.refuseWrites.set(Integer.MAX_VALUE); // refuses without naming a leader (none elected yet)
    String dead = "127.0.0.1:" + closedPort();
    TestClock clock = new TestClock();
    List<Duration> sleeps = new CopyOnWriteArrayList<>();
    RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(3), Duration.ofMillis(100), Duration.ofMillis(800),
        Duration.ofSeconds(5));
    LeaderFollower follower = new LeaderFollower(MasterAddresses.parse("--master", List.of(dead, standby.address())),
        policy, h -> io.grpc.netty.NettyChannelBuilder.forTarget(h.target()).usePlaintext().build(), clock,
        d -> {
          sleeps.add(d);
          clock.advance(d);
        }, new Random(42));
    MasterClient client = new MasterClient(follower);
    open.add(0, client);

    assertThatThrownBy(() -> client.submit(submission()))
        .isInstanceOf(MasterUnreachableException.class)
        .hasMessageStartingWith("cannot reach a master at " + dead + ", " + standby.address() + " within 3s (")
        .hasMessageContaining(dead + ": UNAVAILABLE")
        .hasMessageContaining(standby.address() + ": UNAVAILABLE the engine did not answer in time")
        .hasMessageEndingWith("start one with `baton up`, pass --master, or raise --retry-for");

    // One pause per round of both addresses: jittered in [half, full] of a backoff that doubles to its cap,
    // the last cut to the time left; they add up to the retry time exactly.
    assertThat(sleeps).isNotEmpty();
    long[] caps = {100, 200, 400, 800};
    for (int i = 0; i < sleeps.size() - 1; i++) {
      long cap = caps[Math.min(i, caps.length - 1)];
      assertThat(sleeps.get(i).toMillis()).as("pause %d", i).isBetween(cap / 2, cap);
    }
    assertThat(sleeps.stream().mapToLong(Duration::toMillis).sum()).isEqualTo(3000);
    // A round per pause, the last one cut short: the try after the last pause (the dead address) ends it.
    assertThat(standby.submits).hasSize(sleeps.size()).extracting(SubmitPlanRequest::getRequestId)
        .containsOnly("req-7f3a");
  }

  @Test
  void aWatchReopensOnTheNextMasterWhenItsMasterDiesWithoutGapOrDuplicate() throws Exception {
    List<PlanEvent> events = FakeMaster.events(12);
    FakeMaster first = master();
    first.events = events;
    first.holdAfter = 5;
    FakeMaster second = master();
    second.events = events;
    MasterClient client = client(FAST, first.address(), "localhost:" + second.address().split(":")[1]);
    List<Long> seen = new CopyOnWriteArrayList<>();

    CompletableFuture<PlanStatus> watch =
        CompletableFuture.supplyAsync(() -> new PlanWatcher(client).follow(FakeMaster.PLAN, e -> seen.add(e.getSequence())));
    assertThat(first.holding.await(10, TimeUnit.SECONDS)).isTrue();
    first.kill();
    PlanStatus status = watch.get(20, TimeUnit.SECONDS);

    assertThat(status.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(seen).containsExactlyElementsOf(LongStream.rangeClosed(1, 12).boxed().toList());
    assertThat(first.watchedAfter).containsExactly(0L);
    assertThat(second.watchedAfter).containsExactly(5L);
  }

  @Test
  void aWatchDropsReplayedEventsAndReopensAfterTheLastOneOnAGap() throws Exception {
    List<PlanEvent> events = FakeMaster.events(10);
    FakeMaster first = master();
    first.events = events;
    first.holdAfter = 3;
    FakeMaster second = master();
    second.events = events;
    second.ignoreAfter = true; // replays from 1: 1..3 again
    second.skipOnFirstWatch = Set.of(6L); // and loses 6 once
    MasterClient client = client(FAST, first.address(), second.address());
    List<Long> seen = new CopyOnWriteArrayList<>();

    CompletableFuture<PlanStatus> watch =
        CompletableFuture.supplyAsync(() -> new PlanWatcher(client).follow(FakeMaster.PLAN, e -> seen.add(e.getSequence())));
    assertThat(first.holding.await(10, TimeUnit.SECONDS)).isTrue();
    first.kill();
    watch.get(20, TimeUnit.SECONDS);

    assertThat(seen).containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
    // After the gap (7 where 6 was due) the watch re-opened after 5, the last event seen. Its first
    // watch there came after 3 (the first master held at 3, then died), or after 0 when a loaded
    // machine let the first call to the first master fail before it answered (seen once in a full
    // run): either way the replayed events were dropped, as `seen` shows.
    assertThat(second.watchedAfter).hasSize(2).endsWith(5L);
    assertThat(second.watchedAfter.get(0)).isIn(0L, 3L);
  }

  @Test
  void aGapEveryMasterAgreesOnIsWarnedAboutOnceAndSkipped() throws Exception {
    List<PlanEvent> events = FakeMaster.events(6);
    FakeMaster first = master();
    FakeMaster second = master();
    for (FakeMaster m : List.of(first, second)) {
      m.events = events;
      m.skipAlways = Set.of(3L, 4L); // compacted away, say
    }
    MasterClient client = client(FAST, first.address(), second.address());
    List<Long> seen = new ArrayList<>();
    List<String> warnings = new ArrayList<>();

    new PlanWatcher(client, warnings::add).follow(FakeMaster.PLAN, e -> seen.add(e.getSequence()));

    assertThat(seen).containsExactly(1L, 2L, 5L, 6L);
    assertThat(warnings).containsExactly(
        "plan plan-1: events 3..4 are on no master (2 watches agreed); continuing from 5");
    assertThat(first.watchedAfter).containsExactly(0L);
    assertThat(second.watchedAfter).containsExactly(2L);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A clock that moves only when the follower sleeps. */
  private static final class TestClock extends Clock {
    private volatile Instant now = Instant.parse("2026-12-04T10:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
