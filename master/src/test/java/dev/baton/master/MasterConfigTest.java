package dev.baton.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.runtime.registry.ConsulSettings;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The options a caller chooses for time, randomness, threads and transport: defaults and refusals. */
class MasterConfigTest {

  @Test
  void defaultsAreTheSystemClockAnUnseededRandomDaemonThreadsAndNetty() {
    MasterConfig c = MasterConfig.builder().build();
    assertThat(c.clock()).isEqualTo(Clock.systemUTC());
    assertThat(c.seed()).isNull();
    assertThat(c.threads()).isSameAs(MasterConfig.Threads.DAEMON);
    assertThat(c.inProcessName()).isNull();
  }

  @Test
  void daemonThreadsAreNamedAsAsked() throws Exception {
    var executor = MasterConfig.Threads.DAEMON.newThread(MasterConfig.SCHEDULER_THREAD);
    try {
      Thread t = executor.submit(Thread::currentThread).get();
      assertThat(t.getName()).isEqualTo("baton-scheduler");
      assertThat(t.isDaemon()).isTrue();
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void refusesABadInProcessNameAndNamesTheExpectedForm() {
    assertThatThrownBy(() -> MasterConfig.builder().inProcess("no spaces").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inProcessName: 'no spaces' (expected: null for Netty, or 1 to 200 characters of A-Z, a-z, 0-9,"
            + " '.', '_', '-')");
  }

  @Test
  void refusesAnInProcessMasterWithConsul() {
    assertThatThrownBy(() -> MasterConfig.builder().inProcess("m1").consul(ConsulSettings.builder().build()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inProcessName: 'm1' with consul set")
        .hasMessageContaining("an in-process master has no address to register in Consul");
  }

  @Test
  void refusesAMissingClockOrThreads() {
    assertThatThrownBy(() -> MasterConfig.builder().clock(null).build()).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("clock");
    assertThatThrownBy(() -> MasterConfig.builder().threads(null).build()).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("threads");
  }
}
