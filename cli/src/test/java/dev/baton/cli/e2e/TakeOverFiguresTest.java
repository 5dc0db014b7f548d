package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.master.journal.Journal;
import dev.baton.runtime.postgres.PostgresServer;
import dev.baton.runtime.registry.ConsulAgent;
import dev.baton.v1.PlanState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The take-over figure of BENCHMARKS.md ("Master take-over (issue 10)"): three masters on a
 * PostgreSQL journal, four sub-orchestrators, a plan that delegates all the time (1,600 tasks of
 * 1.2 s on 18 slots); the leader is SIGKILLed 20 times (each killed master started again), and for
 * each kill this measures, against this JVM's clock when the signal went (same host, same clock):
 * <ul>
 *   <li>to the new leader's {@code leads under epoch N} log line (elected, epoch claimed, every
 *       unfinished plan taken over);
 *   <li>to its first delegation: the first TaskDelegated event the journal holds under its epoch
 *       (the event's time: the new leader's clock).
 * </ul>
 * Once with Consul's election, once with the PostgreSQL lease (sub-orchestrators then follow
 * {@code --master a,b,c} and the standbys' hints). Off in the normal build (it takes minutes):
 *
 * <pre>
 * ./mvnw -B -ntp -pl cli -am verify -Dtest=TakeOverFiguresTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbaton.chaos.figures=true [-Dbaton.chaos.kills=20]
 * grep -h FIGURE cli/target/surefire-reports/*TakeOverFiguresTest-output.txt
 * </pre>
 */
@EnabledIfSystemProperty(named = "baton.chaos.figures", matches = "true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TakeOverFiguresTest {
  @RegisterExtension static final PostgresServer POSTGRES = new PostgresServer();
  @RegisterExtension static final ConsulAgent CONSUL = new ConsulAgent();

  @Test
  @Order(1)
  void takeOverTimeWithConsul() throws Exception {
    measure("consul", CONSUL.address());
  }

  @Test
  @Order(2)
  void takeOverTimeWithThePostgresLease() throws Exception {
    measure("postgres-lease", null);
  }

  private void measure(String election, String consul) throws Exception {
    int kills = Integer.getInteger("baton.chaos.kills", 20);
    System.out.println("FIGURE machine: " + machine() + ", " + Instant.now());
    try (MasterTrio trio = MasterTrio.start("takeover-figures-" + election,
        POSTGRES.createDatabase("figures_" + election.replace('-', '_')), consul)) {
      List<Long> toLead = new ArrayList<>();
      List<Long> toDelegation = new ArrayList<>();
      List<String> plans = new ArrayList<>();
      for (int k = 1; k <= kills; k++) {
        if (plans.isEmpty() || finished(trio, plans.get(plans.size() - 1))) {
          plans.add(trio.submit(TakeOverPlans.burst("figures-" + plans.size(), 400, 6), 1 / 300.0));
        }
        // The leader is delegating: five delegations under its epoch since it led.
        long epoch = trio.epoch().epoch();
        long from = trio.journal().lastPosition();
        await("delegations under epoch " + epoch).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
            .until(() -> delegationsUnder(trio.journal(), epoch, from, 5).size() >= 5);
        long position = trio.journal().lastPosition();
        MasterTrio.TakeOver t = trio.killLeaderAndRestart();
        Instant led = trio.ledAt(t.next().holder(), t.next().epoch());
        Instant delegated = await("a delegation under epoch " + t.next().epoch()).atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> delegationsUnder(trio.journal(), t.next().epoch(), position, 1).stream().findFirst(),
                Optional::isPresent).orElseThrow();
        toLead.add(Duration.between(t.killedAt(), led).toMillis());
        toDelegation.add(Duration.between(t.killedAt(), delegated).toMillis());
        System.out.printf("FIGURE %s kill %d: %s (epoch %d) killed; %s led %d ms later, delegated %d ms later%n",
            election, k, t.old().holder(), t.old().epoch(), t.next().holder(), toLead.get(k - 1),
            toDelegation.get(k - 1));
      }
      System.out.println("FIGURE " + election + " SIGKILL->new leader leads (ms): " + stats(toLead));
      System.out.println("FIGURE " + election + " SIGKILL->new leader's first TaskDelegated (ms): " + stats(toDelegation));
      for (String plan : plans) {
        await("plan " + plan + " finished").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
            .until(() -> finished(trio, plan));
        List<dev.baton.v1.PlanEvent> events = trio.journal().events(plan, 0, Long.MAX_VALUE, 1_000_000);
        assertThat(events.get(events.size() - 1).getPlanFinished().getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
        TakeOverRun.assertOnceEach(events);
      }
    }
  }

  /** Event times of up to {@code limit} TaskDelegated records written under {@code epoch} after {@code position}. */
  private static List<Instant> delegationsUnder(Journal journal, long epoch, long position, int limit) {
    List<Instant> found = new ArrayList<>();
    long at = position;
    while (found.size() < limit) {
      List<Journal.JournalRecord> page = journal.since(at, 2_000);
      if (page.isEmpty()) {
        break;
      }
      for (Journal.JournalRecord r : page) {
        if (r.epoch() == epoch && r.event() != null && r.event().hasTaskDelegated() && found.size() < limit) {
          found.add(ChaosPlan.time(r.event()));
        }
      }
      at = page.get(page.size() - 1).position();
    }
    return found;
  }

  private static boolean finished(MasterTrio trio, String planId) {
    return trio.journal().plan(planId).map(p -> p.finished()).orElse(false);
  }

  static String stats(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return String.format("p50 %d, p90 %d, p99 %d, max %d, min %d, n %d, all %s", rank(sorted, 0.50), rank(sorted, 0.90),
        rank(sorted, 0.99), sorted.get(n - 1), sorted.get(0), n, values);
  }

  /** Nearest-rank percentile. */
  private static long rank(List<Long> sorted, double p) {
    return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
  }

  private static String machine() {
    String cpu = "";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("");
    } catch (IOException e) {
      // not Linux
    }
    return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + System.getProperty("os.name") + " "
        + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version");
  }
}
