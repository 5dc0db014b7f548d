package dev.baton.master.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.baton.master.plan.PlanModel;
import dev.baton.master.registry.Instance;
import dev.baton.master.testing.Plans;
import dev.baton.v1.Droid;
import dev.baton.v1.InstanceHealth;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.Specialization;
import dev.baton.v1.SubOrchestratorCapabilities;
import dev.baton.v1.SubOrchestratorDescriptor;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoadBalancingPolicyTest {

  /** Worked examples of the seed's formula. */
  @ParameterizedTest(name = "{0}/{1} tasks, match {2}, failures {3}, avg {4}s -> {5}")
  @CsvSource({
      // current, max, match, failureRate, avgSeconds, expected
      "0, 4, 0.0, 0.0, 0,    110.0", // idle, fast: 100 + 10 speed bonus
      "2, 4, 0.5, 0.2, 120,  98.0",  // 100 - 15 + 10 - 5 + 8
      "4, 4, 1.0, 0.0, 600,  90.0",  // full: -30, match +20, avg 10 min: no bonus
      "3, 3, 0.0, 1.0, 900,  45.0",  // 100 - 30 - 25 + 0
      "1, 5, 0.25, 0.4, 300, 94.0",  // 100 - 6 + 5 - 10 + 5
      "8, 2, 0.0, 1.0, 6000, 0.0"    // 100 - 120 - 25: floored at 0
  })
  void scoreFollowsTheSeedsFormula(int current, int max, double match, double failures, double avg, double expected) {
    double score = ScorePolicy.score(current, max, match, failures, avg);
    assertThat(score).isCloseTo(expected, within(1e-9));
  }

  private static Instance instance(String id, int max, int current, int queue, double failureRate, double avgSeconds,
      String... expertise) {
    SubOrchestratorDescriptor d = SubOrchestratorDescriptor.newBuilder()
        .setId(id).setAddress("127.0.0.1:1")
        .setSpecialization(Specialization.newBuilder().setDomain("backend").addExpertise("API Design"))
        .setCapabilities(SubOrchestratorCapabilities.newBuilder().setMaxConcurrentTasks(max)
            .addAllDomainExpertise(List.of(expertise)))
        .addDroids(Droid.newBuilder().setName("db").addExpertise("PostgreSQL"))
        .build();
    LoadMetrics load = LoadMetrics.newBuilder().setCurrentTasks(current).setQueueLength(queue)
        .setMaxConcurrentTasks(max).setRecentFailureRate(failureRate).setAvgCompletionTimeSeconds(avgSeconds).build();
    return new Instance(d, load, InstanceHealth.INSTANCE_HEALTH_HEALTHY, Duration.ZERO, 0);
  }

  private static final PlanModel.Task TASK = Plans.plan("p").task("payment-api", "backend", 10).build().task("payment-api");

  @Test
  void expertiseMatchIsTheShareOfTaskWordsTheInstanceKnows() {
    // Task words: build, payment, api ("the" is a stop word). Known: api (API Design), payment (Payment gateways).
    var d = instance("b1", 4, 0, 0, 0, 0, "Payment gateways").descriptor();
    assertThat(ScorePolicy.expertiseMatch("Build the payment API", d)).isCloseTo(2.0 / 3, within(1e-9));
    assertThat(ScorePolicy.expertiseMatch("Write CSS", d)).isZero();
    assertThat(ScorePolicy.expertiseMatch("PostgreSQL api", d)).isEqualTo(1.0);
  }

  @Test
  void scorePicksTheBestCandidateCountingOurOwnOutstandingDelegations() {
    Candidate busyByHeartbeat = new Candidate(instance("b1", 4, 3, 0, 0, 0), 0);
    Candidate busyByUs = new Candidate(instance("b2", 4, 0, 0, 0, 0), 4);
    Candidate free = new Candidate(instance("b3", 4, 1, 0, 0, 0), 0);
    Choice c = new ScorePolicy().choose(TASK, List.of(busyByHeartbeat, busyByUs, free));
    assertThat(c.candidate().id()).isEqualTo("b3");
    assertThat(busyByUs.currentTasks()).isEqualTo(4);
  }

  @Test
  void scorePrefersExpertiseAndPenalisesFailures() {
    Candidate expert = new Candidate(instance("b1", 4, 0, 0, 0, 0, "Payment gateways"), 0);
    Candidate flaky = new Candidate(instance("b0", 4, 0, 0, 0.8, 0, "Payment gateways"), 0);
    Candidate plain = new Candidate(instance("b2", 4, 0, 0, 0, 0), 0);
    assertThat(new ScorePolicy().choose(TASK, List.of(flaky, plain, expert)).candidate().id()).isEqualTo("b1");
  }

  @Test
  void roundRobinTakesCandidatesInTurn() {
    var a = new Candidate(instance("b1", 4, 0, 0, 0, 0), 0);
    var b = new Candidate(instance("b2", 4, 3, 0, 0, 0), 0);
    var policy = new RoundRobinPolicy();
    assertThat(List.of(policy.choose(TASK, List.of(a, b)), policy.choose(TASK, List.of(a, b)),
        policy.choose(TASK, List.of(a, b)))).extracting(ch -> ch.candidate().id()).containsExactly("b1", "b2", "b1");
  }

  @Test
  void leastLoadedTakesTheLowestShareOfBusyAndQueuedSlots() {
    var half = new Candidate(instance("b1", 4, 2, 0, 0, 0), 0);       // 0.5
    var queued = new Candidate(instance("b2", 2, 0, 2, 0, 0), 0);     // 1.0
    var light = new Candidate(instance("b3", 10, 2, 1, 0, 0), 0);     // 0.3
    Choice c = new LeastLoadedPolicy().choose(TASK, List.of(half, queued, light));
    assertThat(c.candidate().id()).isEqualTo("b3");
    assertThat(c.score()).isCloseTo(0.3, within(1e-9));
  }
}
