package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The namespaces the partition tests stand on: nodes reach each other and the host leg, a cut
 * isolates a node until it is healed, nothing is left after close, and what a killed run left is
 * removed by the next one. Needs root and {@code ip netns}; skipped with the reason otherwise.
 */
class NetNamespacesTest {
  @BeforeEach
  void needsNamespaces() {
    NetNamespaces.unavailableReason().ifPresent(reason -> Assumptions.abort(reason));
  }

  @Test
  void aCutIsolatesANodeUntilHealedAndCloseLeavesNothing(@TempDir Path dir) throws Exception {
    String a;
    String b;
    String bridge;
    try (NetNamespaces net = NetNamespaces.create(dir)) {
      a = net.namespace("a");
      b = net.namespace("b");
      bridge = a.substring(0, a.length() - 1) + "br";
      String aAddress = net.add("a");
      String bAddress = net.add("b");
      assertThat(net.reaches("a", bAddress)).as("a reaches b").isTrue();
      assertThat(net.reaches("b", net.host())).as("b reaches the host leg").isTrue();
      assertThat(aAddress).startsWith(net.host().substring(0, net.host().lastIndexOf('.') + 1));

      net.cut("b");
      assertThat(net.reaches("a", bAddress)).as("a reaches the cut b").isFalse();
      assertThat(net.reaches("b", aAddress)).as("the cut b reaches a").isFalse();
      net.heal("b");
      assertThat(net.reaches("a", bAddress)).as("a reaches b after the heal").isTrue();
    }
    assertThat(run("ip", "netns", "list")).doesNotContain(a).doesNotContain(b).doesNotContain(bridge);
  }

  @Test
  void whatAKilledRunLeftIsRemoved() throws Exception {
    // A pid above pid_max (4194304 at most) never runs: this namespace's run is dead.
    String stale = "bp9999999-x";
    run("ip", "netns", "add", stale);
    Process sleeper = new ProcessBuilder("ip", "netns", "exec", stale, "sleep", "300").start();
    try {
      assertThat(run("ip", "netns", "list")).contains(stale);
      NetNamespaces.removeStale();
      assertThat(run("ip", "netns", "list")).doesNotContain(stale);
      assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).as("its process killed").isTrue();
    } finally {
      sleeper.destroyForcibly();
      new ProcessBuilder("ip", "netns", "del", stale).start().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void rejectsANodeNameThatCannotNameAnInterface(@TempDir Path dir) {
    try (NetNamespaces net = NetNamespaces.create(dir)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> net.add("much-too-long"))
          .hasMessage("node name: 'much-too-long' (expected: 1..8 of a-z, 0-9: it names interfaces)");
    }
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
