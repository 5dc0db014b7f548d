package dev.baton.master.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.runtime.postgres.PostgresServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Election through a real PostgreSQL: one leader of two, a lapsed lease taken over, a resignation. */
class PostgresLeadershipTest {
  @RegisterExtension
  static final PostgresServer postgres = new PostgresServer();
  private static final Duration TTL = Duration.ofMillis(600);
  private static final Duration WAIT = Duration.ofSeconds(15);
  private final List<PostgresLeadership> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(PostgresLeadership::close);
  }

  /** What one contender heard, in order. */
  static final class Heard implements Leadership.Listener {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void elected() {
      events.add("elected");
    }

    @Override
    public void deposed(String why) {
      events.add("deposed: " + why);
    }
  }

  private PostgresLeadership contender(String url, String name, Heard heard) {
    PostgresLeadership l = PostgresLeadership.open(url, name, name + ":7000", TTL);
    opened.add(l);
    l.start(heard);
    return l;
  }

  @Test
  void oneOfTwoLeadsAndTheOtherTakesOverWhenTheLeaderStopsRenewing() {
    String url = postgres.createDatabase("lease");
    Heard heardA = new Heard();
    Heard heardB = new Heard();
    PostgresLeadership a = contender(url, "a", heardA);
    await().atMost(WAIT).until(a::isLeader);
    PostgresLeadership b = contender(url, "b", heardB);
    await().atMost(WAIT).until(() -> b.leaderAddress().isPresent());
    assertThat(b.leaderAddress()).contains("a:7000");
    assertThat(b.isLeader()).isFalse();
    assertThat(heardB.events).isEmpty();

    a.pause(); // a stalled process: no renewal, no word to anyone
    await().atMost(WAIT).until(b::isLeader);
    assertThat(heardB.events).containsExactly("elected");
    assertThat(b.leaderAddress()).contains("b:7000");

    a.unpause();
    await().atMost(WAIT).until(() -> heardA.events.size() == 2);
    assertThat(heardA.events.get(0)).isEqualTo("elected");
    assertThat(heardA.events.get(1)).startsWith("deposed: lease");
    assertThat(a.isLeader()).isFalse();
    assertThat(b.isLeader()).isTrue();
  }

  @Test
  void aResignationHandsTheLeaseOverAndTheResignerStandsBy() {
    String url = postgres.createDatabase("resign");
    Heard heardA = new Heard();
    Heard heardB = new Heard();
    PostgresLeadership a = contender(url, "a", heardA);
    await().atMost(WAIT).until(a::isLeader);
    PostgresLeadership b = contender(url, "b", heardB);
    await().atMost(WAIT).until(() -> b.leaderAddress().isPresent());

    a.resign("fenced by the journal");
    await().atMost(WAIT).until(b::isLeader);
    assertThat(heardA.events).containsExactly("elected", "deposed: resigned: fenced by the journal");
    await().atMost(WAIT).until(() -> a.leaderAddress().equals(java.util.Optional.of("b:7000")));
    assertThat(a.isLeader()).isFalse();
  }

  @Test
  void refusesABadTtlOrHolderNamingTheBounds() {
    assertThatThrownBy(() -> new PostgresLeadership(null, "a", "", Duration.ofMillis(10)))
        .hasMessage("lease ttl: PT0.01S (expected: 300 ms..10 min; default 3 s)");
    assertThatThrownBy(() -> new PostgresLeadership(null, " ", "", Duration.ofSeconds(3)))
        .hasMessageContaining("lease holder: ' '");
    assertThatThrownBy(() -> PostgresLeadership.open("/tmp/journal.db", "a", "", Duration.ofSeconds(3)))
        .hasMessageContaining("leader election needs a PostgreSQL journal");
  }
}
