package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.master.journal.Journal;
import dev.baton.runtime.postgres.PostgresServer;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Python client follows a standby's leader hint: three masters on one PostgreSQL journal (the
 * journal's lease elects the leader), the example given a standby's address only; the standby
 * refuses SubmitPlan with UNAVAILABLE and the {@code baton-leader} trailer, the client dials the
 * leader it names, and the plan succeeds with its events watched to the end.
 */
class PythonClientStandbyEndToEndTest {
  @RegisterExtension static final PostgresServer POSTGRES = new PostgresServer();

  private MasterTrio trio;

  @AfterEach
  void stop() {
    if (trio != null) {
      trio.close();
    }
  }

  @Test
  void theExampleGivenAStandbyFollowsItsHintToTheLeader() throws Exception {
    trio = MasterTrio.start("python-standby", POSTGRES.createDatabase("pystandby"), null);
    Journal.Epoch leader = trio.epoch();
    String standby = MasterTrio.IDS.stream().filter(id -> !id.equals(leader.holder())).findFirst().orElseThrow();

    PythonExample.Run run = PythonExample.run(Map.of("BATON_MASTER", trio.address(standby)),
        TestPaths.example("hello.yaml").toString(), "--time-scale", "0.001");

    assertThat(run.exitCode()).as(run.describe()).isZero();
    Matcher submitted = PythonExample.SUBMITTED.matcher(run.stdout().lines().findFirst().orElse(""));
    assertThat(submitted.matches()).as(run.describe()).isTrue();
    assertThat(submitted.group(2)).as("the master that took the plan").isEqualTo(trio.address(leader.holder()))
        .isNotEqualTo(trio.address(standby));
    PythonExample.assertSucceededInOrder(run, List.of("hello-api", "hello-file", "hello-page"));
  }
}
