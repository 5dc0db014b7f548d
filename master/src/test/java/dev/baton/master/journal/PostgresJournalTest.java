package dev.baton.master.journal;

import static dev.baton.master.journal.Events.accepted;
import static dev.baton.master.journal.Events.nth;
import static dev.baton.master.journal.Events.progress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.runtime.postgres.PostgresServer;
import dev.baton.v1.PlanEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Several masters on one PostgreSQL journal: fencing, a standby following, a take-over mid-stream. */
class PostgresJournalTest {
  @RegisterExtension
  static final PostgresServer postgres = new PostgresServer();
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final JournalSettings FAST = JournalSettings.builder().followPoll(Duration.ofMillis(20)).build();
  private final List<JournalPlanStore> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(JournalPlanStore::close);
  }

  private JournalPlanStore open(String url) {
    JournalPlanStore s = JournalPlanStore.open(url, Clock.systemUTC(), FAST);
    opened.add(s);
    return s;
  }

  private static void flush(JournalPlanStore s) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    s.afterDurable(done::countDown);
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aStandbyFollowsEveryPlanAndServesReadsAndWatchers() throws Exception {
    String url = postgres.createDatabase("follow");
    JournalPlanStore leader = open(url);
    leader.load();
    leader.lead(leader.claimEpoch("master-a", "10.0.0.1:7000"));
    leader.append(accepted("p", 2));
    flush(leader);

    JournalPlanStore standby = open(url);
    standby.follow();
    List<Long> watched = new CopyOnWriteArrayList<>();
    await().atMost(WAIT).until(() -> standby.status("p").isPresent());
    standby.subscribe("p", 0, e -> watched.add(e.getSequence()));
    for (int i = 0; i < 50; i++) {
      leader.append(nth("p", i, 2));
    }
    leader.append(accepted("q", 1));

    await().atMost(WAIT).until(() -> watched.size() == 51 && standby.status("q").isPresent());
    assertThat(watched).isSorted().doesNotHaveDuplicates().startsWith(1L).endsWith(51L);
    assertThat(standby.status("p")).isEqualTo(leader.status("p"));
    assertThat(standby.list()).hasSize(2);
    assertThatThrownBy(() -> standby.append(progress("p", 0, 0.1))).hasMessageContaining("FOLLOWING");
  }

  @Test
  void aClaimByASecondMasterFencesTheFirstWhichStopsWritingAndTheJournalShowsOneWriterPerEpoch() throws Exception {
    String url = postgres.createDatabase("fence");
    JournalPlanStore a = open(url);
    a.load();
    long epochA = a.claimEpoch("master-a", "10.0.0.1:7000");
    a.lead(epochA);
    a.append(accepted("p", 1));
    a.append(progress("p", 0, 0.1));
    flush(a);
    List<String> fences = new CopyOnWriteArrayList<>();
    a.onFenced(fences::add);

    JournalPlanStore b = open(url);
    b.follow();
    long epochB = b.claimEpoch("master-b", "10.0.0.2:7000");
    b.lead(epochB);

    // A does not know yet: its next append is taken in memory, and its commit is refused.
    List<String> ranOnA = new CopyOnWriteArrayList<>();
    a.append(progress("p", 0, 0.2));
    a.afterDurable(() -> ranOnA.add("sent a Delegate"));
    await().atMost(WAIT).until(() -> fences.size() == 1);
    assertThat(fences.get(0)).startsWith("fenced:").contains("epoch " + epochA).contains("epoch " + epochB)
        .contains("master-b").contains("10.0.0.2:7000");
    assertThat(ranOnA).isEmpty();
    assertThatThrownBy(() -> a.append(progress("p", 0, 0.3))).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("fenced:");

    // B continues the plan where the journal (not A's memory) left it.
    assertThat(b.append(progress("p", 0, 0.25)).getSequence()).isEqualTo(3);
    flush(b);
    List<Journal.JournalRecord> records = b.journal().since(0, 100);
    assertThat(records).extracting(Journal.JournalRecord::epoch).containsExactly(epochA, epochA, epochB);
    assertThat(records).extracting(r -> r.event().getTaskProgress().getProgress()).containsExactly(0.0, 0.1, 0.25);
    assertThat(b.journal().epochs()).extracting(Journal.Epoch::holder).containsExactly("master-a", "master-b");
  }

  @Test
  void underAConcurrentClaimNoAppendOfTheOldEpochCommitsAfterIt() throws Exception {
    String url = postgres.createDatabase("race");
    JournalPlanStore a = open(url);
    a.load();
    long epochA = a.claimEpoch("master-a", "");
    a.lead(epochA);
    a.append(accepted("p", 1));
    flush(a);
    AtomicBoolean fenced = new AtomicBoolean();
    a.onFenced(why -> fenced.set(true));
    AtomicReference<Throwable> appenderFailure = new AtomicReference<>();
    Thread appender = new Thread(() -> {
      try {
        for (int i = 0; !fenced.get() && i < 1_000_000; i++) {
          a.append(progress("p", 0, i / 1e6));
        }
      } catch (IllegalStateException expected) {
        // fenced while appending
      } catch (Throwable t) {
        appenderFailure.set(t);
      }
    });
    appender.start();
    await().atMost(WAIT).until(() -> a.journal().lastPosition() > 200);

    JournalPlanStore b = open(url);
    long epochB = b.claimEpoch("master-b", "");
    await().atMost(WAIT).until(fenced::get);
    appender.join(10_000);
    assertThat(appenderFailure.get()).isNull();
    b.lead(epochB);
    PlanEvent next = b.append(progress("p", 0, 1));
    flush(b);

    // Along the global position: A's records, then B's, with no gap in the plan's sequence.
    List<Journal.JournalRecord> all = new ArrayList<>();
    for (List<Journal.JournalRecord> page = b.journal().since(0, 5_000); !page.isEmpty();
        page = b.journal().since(page.get(page.size() - 1).position(), 5_000)) {
      all.addAll(page);
    }
    assertThat(all.size()).isGreaterThan(200);
    assertThat(all).extracting(Journal.JournalRecord::epoch).isSorted();
    assertThat(all.get(all.size() - 1).epoch()).isEqualTo(epochB);
    assertThat(all).extracting(Journal.JournalRecord::sequence).isSorted().doesNotHaveDuplicates();
    assertThat(all.get(all.size() - 1).sequence()).isEqualTo(all.size()).isEqualTo(next.getSequence());
  }

  /**
   * A leader paused inside a commit (SIGSTOP, a long GC pause) holds the epoch row's share lock
   * while its client does nothing. The database ends such a transaction after
   * {@link PostgresJournal#STALLED_TRANSACTION_TIMEOUT}, so a new leader's claim waits that long
   * at most, not until the paused leader resumes; the paused leader's commit then fails (it is
   * fenced). Found by the process-level take-over test that pauses a leader mid-commit.
   */
  @Test
  void aClaimWaitsBoundedlyForALeaderPausedInsideACommit() throws Exception {
    String url = postgres.createDatabase("paused");
    Journal a = Journals.open(url, FAST, Clock.systemUTC(), false);
    Journal b = Journals.open(url, FAST, Clock.systemUTC(), false);
    try (a; b; var pool = PostgresJournal.pool((JournalSpec.Postgres) JournalSpec.parse(url), 1, 10_000, "paused");
        java.sql.Connection paused = pool.getConnection()) {
      long epochA = a.claimEpoch("master-a", "");
      // The paused leader: a connection made as the journal makes them, inside an append, silent.
      paused.setAutoCommit(false);
      try (var st = paused.createStatement()) {
        st.executeQuery("SELECT epoch FROM baton_epoch WHERE id = 1 FOR SHARE").close();
      }
      long started = System.nanoTime();
      long epochB = java.util.concurrent.CompletableFuture.supplyAsync(() -> b.claimEpoch("master-b", ""))
          .get(PostgresJournal.STALLED_TRANSACTION_TIMEOUT.toSeconds() + 20, TimeUnit.SECONDS);
      long waitedMillis = (System.nanoTime() - started) / 1_000_000;
      assertThat(epochB).isEqualTo(epochA + 1);
      assertThat(waitedMillis).as("the claim waited for the paused transaction, boundedly")
          .isGreaterThanOrEqualTo(PostgresJournal.STALLED_TRANSACTION_TIMEOUT.toMillis() - 500);
      assertThatThrownBy(paused::commit).isInstanceOf(java.sql.SQLException.class);
      System.out.println("FIGURE claim behind a paused leader's transaction: " + waitedMillis + " ms");
    }
  }
}
