package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.runtime.postgres.PostgresServer;
import dev.baton.runtime.registry.ConsulAgent;
import dev.baton.v1.PlanEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The take-over soak of issue 10: the leader is SIGKILLed every few seconds (each time once both
 * plans moved on under it) for ten kills, each killed master started again, while two plans run:
 * chains of scripted droids on a repository (every task's branch merged by whichever master
 * leads, each master leading the plan several times over), and examples/ecommerce.yaml with its
 * three sync points. Both must finish as after a single take-over ({@link TakeOverRun#finish}),
 * written under eleven epochs or more. Off in the normal build (it takes two to three minutes):
 *
 * <pre>
 * ./mvnw -B -ntp -pl cli -am verify -Dtest=TakeOverSoakTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbaton.chaos.soak=true [-Dbaton.chaos.kills=10]
 * grep -h TAKEOVER cli/target/surefire-reports/*TakeOverSoakTest-output.txt
 * </pre>
 */
@EnabledIfSystemProperty(named = "baton.chaos.soak", matches = "true")
class TakeOverSoakTest {
  @RegisterExtension static final PostgresServer POSTGRES = new PostgresServer();
  @RegisterExtension static final ConsulAgent CONSUL = new ConsulAgent();

  private static final int CHAIN = 24;
  private static final int STEP_SECONDS = 3;

  @Test
  void tenKillsOfTheLeaderWhileTwoPlansRun(@TempDir Path dir) throws Exception {
    int kills = Integer.getInteger("baton.chaos.kills", 10);
    HeldRemote remote = HeldRemote.create(dir, TakeOverPlans.chainScenarios(CHAIN, STEP_SECONDS), false);
    try (MasterTrio trio = MasterTrio.start("takeover-soak", POSTGRES.createDatabase("soak"), CONSUL.address());
        TakeOverRun chains = TakeOverRun.submit(trio, TakeOverPlans.repositoryChains(remote.url(), CHAIN), 0.001);
        TakeOverRun shop = TakeOverRun.submit(trio, ChaosPlan.ecommerce("parallel", "failover"), 1 / 80.0)) {
      List<MasterTrio.TakeOver> done = new ArrayList<>();
      for (int k = 1; k <= kills; k++) {
        long before = successes(chains) + successes(shop);
        await("two more tasks succeeded under " + trio.epoch()).atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> successes(chains) + successes(shop) >= before + 2
                || chains.watcher.done.isDone() || shop.watcher.done.isDone());
        assertThat(chains.watcher.done).as("the chains plan still running at kill %d", k).isNotDone();
        assertThat(shop.watcher.done).as("the e-commerce plan still running at kill %d", k).isNotDone();
        MasterTrio.TakeOver t = trio.killLeaderAndRestart();
        done.add(t);
        System.out.printf("TAKEOVER kill %d: %s (epoch %d) killed, %s led under epoch %d %d ms later%n", k,
            t.old().holder(), t.old().epoch(), t.next().holder(), t.next().epoch(),
            Duration.between(t.killedAt(), trio.ledAt(t.next().holder(), t.next().epoch())).toMillis());
      }
      TakeOverRun.Verdict a = chains.finish(300, kills + 1, false);
      TakeOverRun.Verdict b = shop.finish(300, kills + 1, false);
      TakeOverRun.assertExecutions(trio, chains.before(), List.of(a.events(), b.events()));
      System.out.println("TAKEOVER chains: " + a.epochs());
      System.out.println("TAKEOVER ecommerce: " + b.epochs());
      // Every task's branch merged once, by whichever master led then, into one integration branch.
      String branch = "baton/" + chains.planId + "/integration";
      List<String> merges = remote.git("log", "--first-parent", "--format=%s", branch).lines()
          .filter(l -> l.startsWith("Merge ")).toList();
      assertThat(merges).hasSize(4 * CHAIN).doesNotHaveDuplicates().allMatch(l -> l.contains("(attempt 1)"));
      assertThat(a.events()).noneMatch(PlanEvent::hasTaskAdded);
      assertThat(done).hasSize(kills);
    }
  }

  private static long successes(TakeOverRun run) {
    return run.watcher.count(PlanEvent::hasTaskSucceeded);
  }
}
