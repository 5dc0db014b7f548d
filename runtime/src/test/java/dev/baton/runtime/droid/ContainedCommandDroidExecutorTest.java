package dev.baton.runtime.droid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.runtime.containment.Containments;
import dev.baton.runtime.containment.ProcessContainment;
import dev.baton.runtime.containment.Procs;
import dev.baton.v1.DelegationStatus;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every command droid test again in the containment this machine supports, plus what only a
 * container guarantees: a cancelled or timed-out command leaves no process, double-forked or not.
 */
class ContainedCommandDroidExecutorTest extends CommandDroidExecutorTest {
  private static final String DETACHING =
      "(setsid sleep %s &); (set -m; sleep %s & ); echo started; sleep %s";

  @Override
  ProcessContainment containment() {
    ProcessContainment detected = Containments.detect();
    org.junit.jupiter.api.Assumptions.assumeTrue(!detected.name().equals("process-tree"),
        "no PID namespace or cgroup here: " + detected.description());
    return detected;
  }

  @Test
  void cancellingACommandThatDetachesProcessesLeavesNoneBehind() throws Exception {
    String daemon = Procs.sleepMarker(305);
    String group = Procs.sleepMarker(306);
    String main = Procs.sleepMarker(307);
    RunningDroid run = start(String.format(DETACHING, daemon, group, main), 0);
    awaitRunning(daemon, group, main);

    run.cancel("plan cancelled");

    DroidOutcome outcome = outcome(run);
    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_CANCELLED);
    assertThat(outcome.outputTail()).startsWith("started\n");
    awaitGone(daemon, group, main);
  }

  @Test
  void aTimedOutCommandThatDetachesProcessesLeavesNoneBehind() throws Exception {
    String daemon = Procs.sleepMarker(305);
    String group = Procs.sleepMarker(306);
    String main = Procs.sleepMarker(307);
    RunningDroid run = start(String.format(DETACHING, daemon, group, main), 1_500);

    DroidOutcome outcome = outcome(run);
    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.message()).startsWith("command timed out after 1500ms");
    awaitGone(daemon, group, main);
  }

  @Test
  void aCommandThatSucceedsTakesItsDaemonWithItAndKeepsItsResult() throws Exception {
    String daemon = Procs.sleepMarker(305);
    DroidOutcome outcome = outcome(start("(setsid sleep " + daemon + " &); "
        + "until grep -q " + daemon + " /proc/[0-9]*/cmdline 2>/dev/null; do :; done; echo done", 0));

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
    assertThat(outcome.exitCode()).isZero();
    assertThat(outcome.outputTail()).isEqualTo("done\n");
    awaitGone(daemon);
  }

  @Test
  void aTimedOutVerifyCommandLeavesNoProcess() throws Exception {
    String daemon = Procs.sleepMarker(305);
    String main = Procs.sleepMarker(306);
    VerifyCommand verify = new VerifyCommand(Duration.ofMillis(1_500), Duration.ofMillis(200), scheduler, containment());

    dev.baton.v1.VerifyResult result = verify.run("(setsid sleep " + daemon + " &); sleep " + main, root, 1);

    assertThat(result.getExitCode()).isEqualTo(-1);
    assertThat(result.getOutputTail()).contains("verify timed out after PT1.5S and was killed");
    awaitGone(daemon, main);
  }

  private static void awaitRunning(String... markers) {
    await().atMost(Duration.ofSeconds(10)).until(() ->
        Stream.of(markers).allMatch(m -> !Procs.withArgument(m).isEmpty()));
  }

  private static void awaitGone(String... markers) {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      for (String m : markers) {
        assertThat(Procs.withArgument(m)).as("processes with argument " + m).isEmpty();
      }
    });
  }
}
