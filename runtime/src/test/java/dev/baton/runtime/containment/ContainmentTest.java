package dev.baton.runtime.containment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each containment with real processes: what a kill leaves behind (found through /proc by a
 * marker argument), exit codes and streams, and the network switch.
 */
class ContainmentTest {
  private static final Duration GRACE = Duration.ofMillis(300);
  @TempDir Path dir;
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
  private final List<ProcessContainment> made = new java.util.concurrent.CopyOnWriteArrayList<>();

  @AfterEach
  void cleanUp() {
    made.forEach(ProcessContainment::killAll);
    scheduler.shutdownNow();
  }

  /** The containers that must leave nothing behind; skipped where the mechanism does not work. */
  static Stream<String> whole() {
    return Stream.of("pid-namespace", "cgroup");
  }

  static Stream<String> all() {
    return Stream.of("pid-namespace", "cgroup", "process-tree");
  }

  private ProcessContainment containment(String name) {
    ProcessContainment c = switch (name) {
      case "pid-namespace" -> Containments.pidNamespace().orElse(null);
      case "cgroup" -> Containments.cgroup().orElse(null);
      default -> Containments.processTree();
    };
    assumeTrue(c != null, name + " does not work on this machine");
    made.add(c);
    return c;
  }

  private ProcessBuilder shell(String command) {
    return new ProcessBuilder("/bin/sh", "-c", command).directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
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

  @ParameterizedTest
  @MethodSource("whole")
  void killLeavesNothingBehindDoubleForkedOrInANewProcessGroup(String name) throws Exception {
    ProcessContainment containment = containment(name);
    String daemon = Procs.sleepMarker(305);
    String group = Procs.sleepMarker(306);
    String child = Procs.sleepMarker(307);
    Container container = containment.container();
    Process process = container.start(shell("(setsid sleep " + daemon + " &); (set -m; sleep " + group
        + " & ); sleep " + child));
    awaitRunning(daemon, group, child);

    container.kill(GRACE, scheduler);

    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    awaitGone(daemon, group, child);
  }

  @ParameterizedTest
  @MethodSource("whole")
  void aCommandThatExitsTakesWhatItLeftRunningWithIt(String name) throws Exception {
    ProcessContainment containment = containment(name);
    String daemon = Procs.sleepMarker(305);
    Container container = containment.container();
    Process process = container.start(shell("(setsid sleep " + daemon + " &); "
        + "until grep -q " + daemon + " /proc/[0-9]*/cmdline 2>/dev/null; do :; done; exit 4"));

    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(4);
    awaitGone(daemon);
  }

  @Test
  void theProcessTreeFallbackStillKillsThePlainTree() throws Exception {
    ProcessContainment containment = containment("process-tree");
    String outer = Procs.sleepMarker(305);
    String inner = Procs.sleepMarker(306);
    Container container = containment.container();
    Process process = container.start(shell("sh -c 'sleep " + inner + "; :' & sleep " + outer));
    awaitRunning(outer, inner);

    container.kill(GRACE, scheduler);

    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    awaitGone(outer, inner);
  }

  @ParameterizedTest
  @MethodSource("whole")
  void anUnresponsiveCommandIsKilledAfterTheGrace(String name) throws Exception {
    ProcessContainment containment = containment(name);
    String marker = Procs.sleepMarker(305);
    Container container = containment.container();
    Process process = container.start(shell("trap '' TERM; sleep " + marker + "; sleep " + marker));
    awaitRunning(marker);

    container.kill(GRACE, scheduler);

    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    awaitGone(marker);
  }

  @ParameterizedTest
  @MethodSource("all")
  void exitCodesStreamsAndTheWorkingDirectoryAreTheCommands(String name) throws Exception {
    ProcessContainment containment = containment(name);
    Process process = containment.container().start(new ProcessBuilder("/bin/sh", "-c",
        "read line; echo \"got $line in $(pwd)\"; echo warn >&2; exit 7").directory(dir.toFile()));
    try (OutputStream in = process.getOutputStream()) {
      in.write("hello\n".getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(out).isEqualTo("got hello in " + dir.toRealPath() + "\n");
    assertThat(err).isEqualTo("warn\n");
    assertThat(process.exitValue()).isEqualTo(7);
  }

  @ParameterizedTest
  @MethodSource("all")
  void aSignalledCommandExitsWith128PlusTheSignal(String name) throws Exception {
    ProcessContainment containment = containment(name);
    Process process = containment.container().start(shell("kill -TERM $$; sleep 5"));

    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(143);
  }

  @ParameterizedTest
  @MethodSource("all")
  void aMissingProgramFailsToStartAsWithoutAContainer(String name) {
    ProcessContainment containment = containment(name);
    Path missing = dir.resolve("no-such-program");

    assertThatThrownBy(() -> containment.container().start(new ProcessBuilder(missing.toString())))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("Cannot run program \"" + missing + "\"");
    assertThatThrownBy(() -> containment.container().start(new ProcessBuilder("no-such-program-7f3a")))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("Cannot run program \"no-such-program-7f3a\"");
  }

  @Test
  void withoutNetworkACommandCannotReachAHostPortButHasLoopback() throws Exception {
    ProcessContainment containment = containment("pid-namespace");
    assumeTrue(containment.canIsolateNetwork(), "unshare --net does not work here");
    try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String connect = "import socket,sys\n"
          + "try:\n"
          + "  socket.create_connection(('127.0.0.1', " + listening.getLocalPort() + "), 3).close(); print('connected')\n"
          + "except OSError as e:\n"
          + "  print('refused: %s' % e); sys.exit(3)\n";
      String ownLoopback = "import socket\n"
          + "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)\n"
          + "socket.create_connection(s.getsockname(), 3).close(); print('loopback ok')\n";

      Process allowed = containment.container().start(new ProcessBuilder("python3", "-c", connect));
      Process cut = containment.container().network(false).start(new ProcessBuilder("python3", "-c", connect));
      Process inside = containment.withNetwork(false).container()
          .start(new ProcessBuilder("python3", "-c", ownLoopback));

      assertThat(output(allowed)).isEqualTo("connected\n");
      assertThat(allowed.exitValue()).isZero();
      assertThat(output(cut)).startsWith("refused: ").containsAnyOf("unreachable", "refused");
      assertThat(cut.exitValue()).isEqualTo(3);
      if (containment.description().contains("loopback up inside")) {
        assertThat(output(inside)).isEqualTo("loopback ok\n");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("all")
  void aContainmentThatCannotCutTheNetworkRefusesToStartWithoutIt(String name) {
    ProcessContainment containment = containment(name);
    assumeTrue(!containment.canIsolateNetwork(), name + " can cut the network here");

    assertThatThrownBy(() -> containment.container().network(false).start(shell("true")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the network cannot be cut for this process")
        .hasMessageContaining("allow the network in the policy");
  }

  @ParameterizedTest
  @MethodSource("all")
  void killAllStopsEveryLiveContainerAtOnce(String name) throws Exception {
    ProcessContainment containment = containment(name);
    String first = Procs.sleepMarker(305);
    String second = Procs.sleepMarker(306);
    Process a = containment.container().start(shell("trap '' TERM; sleep " + first + "; :"));
    Process b = containment.container().start(shell("sleep " + second));
    awaitRunning(first, second);

    containment.killAll();

    assertThat(a.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(b.waitFor(10, TimeUnit.SECONDS)).isTrue();
    awaitGone(first, second);
  }

  @Test
  void detectNamesTheStrongestMechanismThatWorksHere() {
    ProcessContainment detected = Containments.detect();
    made.add(detected);
    String expected = Containments.pidNamespace().isPresent() ? "pid-namespace"
        : Containments.cgroup().isPresent() ? "cgroup" : "process-tree";

    assertThat(detected.name()).isEqualTo(expected);
    assertThat(detected.description()).startsWith(expected + ": ");
    assertThat(Containments.detect()).isNotSameAs(detected);
    assertThatThrownBy(() -> Containments.named("chroot"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("containment: 'chroot' (expected one of [auto, pid-namespace, cgroup, process-tree])");
  }

  private static String output(Process process) throws Exception {
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
