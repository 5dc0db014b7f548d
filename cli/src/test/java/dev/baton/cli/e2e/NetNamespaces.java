package dev.baton.cli.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Linux network namespaces joined by a bridge, for partition tests: one namespace per process
 * ("node"), each with one veth whose other end is a port of a bridge that lives in a namespace of
 * its own, so traffic between nodes never touches the host's stack. The test JVM gets one more
 * veth into the bridge (the host leg, {@code .1} of the subnet): without it no namespace address
 * is reachable from the host.
 *
 * <pre>
 *   host stack ── bp&lt;pid&gt;h ──┐            (10.213.S.1)
 *   ns bp&lt;pid&gt;-pg     eth0 ──┤ br0 in ns bp&lt;pid&gt;-br
 *   ns bp&lt;pid&gt;-m1     eth0 ──┤            (one port v-&lt;node&gt; per node)
 *   ...                      ┘
 * </pre>
 *
 * <p>A link is cut by setting the node's bridge port down ({@link #cut}): the node's own interface
 * stays configured (it sees no carrier), as when a switch port or cable fails; {@link #heal} sets it
 * up again. Names carry this JVM's pid, so parallel runs do not collide; {@link #removeStale}
 * deletes what a killed run left (namespaces and host legs whose pid is gone, their processes
 * killed first). {@link #close} (also run by a shutdown hook) kills every process left in the
 * namespaces and deletes them; the host leg goes with the bridge namespace.
 *
 * <p>Needs root and iproute2's {@code ip}: {@link #unavailableReason} says why not, for a skip.
 * Test thread only, except the shutdown hook.
 */
final class NetNamespaces implements AutoCloseable {
  private static final Pattern OURS = Pattern.compile("^bp(\\d+)-");
  private static final Pattern HOST_LEG = Pattern.compile("^\\d+: (bp(\\d+)h)[@:]");

  private final String prefix;
  private final String bridgeNs;
  private final String hostLeg;
  private final int subnet;
  private final Map<String, String> addresses = new LinkedHashMap<>();
  private final Path wrappers;
  private final Thread hook = new Thread(this::teardown, "netns-teardown");
  private boolean closed;

  private NetNamespaces(String prefix, int subnet, Path wrappers) {
    this.prefix = prefix;
    this.bridgeNs = prefix + "br";
    this.hostLeg = prefix.substring(0, prefix.length() - 1) + "h";
    this.subnet = subnet;
    this.wrappers = wrappers;
  }

  /** Why these tests cannot run here, or empty when they can (root and {@code ip netns}). */
  static Optional<String> unavailableReason() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("network namespaces need root (running as " + System.getProperty("user.name") + "); run as root,"
          + " as CI does");
    }
    if (!onPath("ip")) {
      return Optional.of("iproute2's ip is not on the PATH; apt-get install iproute2");
    }
    Result probe = run(List.of("ip", "netns", "list"));
    if (probe.code != 0) {
      return Optional.of("ip netns does not work here: " + probe.output.strip());
    }
    return Optional.empty();
  }

  /**
   * Removes what killed runs left, then creates the bridge namespace and the host leg on a free
   * 10.213.S.0/24 (S from 20..219, by pid first). {@code wrappers} holds one small launcher
   * script per node ({@link #java}).
   */
  static NetNamespaces create(Path wrappers) {
    removeStale();
    long pid = ProcessHandle.current().pid();
    String hostAddresses = run(List.of("ip", "-4", "-o", "addr", "show")).output;
    int subnet = -1;
    for (int i = 0; i < 200; i++) {
      int s = 20 + (int) ((pid + i) % 200);
      if (!hostAddresses.contains(" 10.213." + s + ".")) {
        subnet = s;
        break;
      }
    }
    if (subnet < 0) {
      throw new IllegalStateException("no free 10.213.S.0/24 subnet (S in 20..219) on this host; remove stale host legs");
    }
    NetNamespaces n = new NetNamespaces("bp" + pid + "-", subnet, wrappers);
    Runtime.getRuntime().addShutdownHook(n.hook);
    try {
      n.must("ip", "netns", "add", n.bridgeNs);
      n.must("ip", "-n", n.bridgeNs, "link", "set", "lo", "up");
      n.must("ip", "-n", n.bridgeNs, "link", "add", "br0", "type", "bridge");
      n.must("ip", "-n", n.bridgeNs, "link", "set", "br0", "up");
      n.must("ip", "link", "add", n.hostLeg, "type", "veth", "peer", "name", "v-host", "netns", n.bridgeNs);
      n.must("ip", "-n", n.bridgeNs, "link", "set", "v-host", "master", "br0", "up");
      n.must("ip", "addr", "add", n.host() + "/24", "dev", n.hostLeg);
      n.must("ip", "link", "set", n.hostLeg, "up");
      Files.createDirectories(wrappers);
      return n;
    } catch (RuntimeException | IOException e) {
      n.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /** The host leg's address: how this JVM reaches the nodes. */
  String host() {
    return "10.213." + subnet + ".1";
  }

  /**
   * Adds node {@code name} (up to 8 characters): its namespace, loopback up, and a veth into the
   * bridge with the next address of the subnet; returns that address.
   */
  String add(String name) {
    if (name.length() > 8 || !name.matches("[a-z0-9]+")) {
      throw new IllegalArgumentException("node name: '" + name + "' (expected: 1..8 of a-z, 0-9: it names interfaces)");
    }
    String ns = namespace(name);
    String address = "10.213." + subnet + "." + (10 + addresses.size());
    must("ip", "netns", "add", ns);
    addresses.put(name, address);
    must("ip", "-n", ns, "link", "set", "lo", "up");
    must("ip", "-n", bridgeNs, "link", "add", port(name), "type", "veth", "peer", "name", "eth0", "netns", ns);
    must("ip", "-n", bridgeNs, "link", "set", port(name), "master", "br0", "up");
    must("ip", "-n", ns, "addr", "add", address + "/24", "dev", "eth0");
    must("ip", "-n", ns, "link", "set", "eth0", "up");
    return address;
  }

  String address(String name) {
    String a = addresses.get(name);
    if (a == null) {
      throw new IllegalArgumentException("no node '" + name + "' (nodes: " + addresses.keySet() + ")");
    }
    return a;
  }

  String namespace(String name) {
    return prefix + name;
  }

  /** {@code ip netns exec NS}: put before a command line to run it in the node's namespace. */
  List<String> exec(String name) {
    return List.of("ip", "netns", "exec", namespace(name));
  }

  /**
   * A java launcher that runs {@code java} in the node's namespace ({@code exec ip netns exec NS
   * java "$@"}): {@code ip netns exec} execs in place, so the launched pid is the JVM's and signals
   * reach it.
   */
  Path java(String name, Path java) {
    Path script = wrappers.resolve("java-in-" + name);
    try {
      Files.writeString(script, "#!/bin/sh\nexec ip netns exec " + namespace(name) + " " + java + " \"$@\"\n",
          StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
      return script;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Cuts the node off: its bridge port goes down; nothing reaches it and it reaches nothing. */
  void cut(String name) {
    address(name);
    must("ip", "-n", bridgeNs, "link", "set", port(name), "down");
  }

  /** Puts the node's bridge port up again. */
  void heal(String name) {
    address(name);
    must("ip", "-n", bridgeNs, "link", "set", port(name), "up");
  }

  /** True if {@code ping -c1} from node {@code from} reaches {@code to} within a second (for a test's own checks). */
  boolean reaches(String from, String toAddress) {
    List<String> cmd = new ArrayList<>(exec(from));
    cmd.addAll(List.of("ping", "-c", "1", "-W", "1", toAddress));
    return onPath("ping") ? run(cmd).code == 0 : tcpProbe(from, toAddress);
  }

  private boolean tcpProbe(String from, String toAddress) {
    // Without ping: bash's /dev/tcp to a closed port answers "refused" only when the host is reachable.
    List<String> cmd = new ArrayList<>(exec(from));
    cmd.addAll(List.of("timeout", "2", "bash", "-c", "exec 3<>/dev/tcp/" + toAddress + "/9 2>&1; true"));
    return run(cmd).output.contains("refused");
  }

  private static String port(String name) {
    return "v-" + name;
  }

  @Override
  public void close() {
    teardown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is exiting: the hook runs (or ran) teardown, which is idempotent
    }
  }

  private synchronized void teardown() {
    if (closed) {
      return;
    }
    closed = true;
    List<String> all = new ArrayList<>();
    addresses.keySet().forEach(n -> all.add(namespace(n)));
    all.add(bridgeNs);
    all.forEach(NetNamespaces::deleteNamespace);
    run(List.of("ip", "link", "del", hostLeg)); // gone with the bridge namespace already, normally
  }

  /**
   * Deletes namespaces named {@code bp<pid>-*} and host legs {@code bp<pid>h} whose pid no longer
   * runs: what a killed test JVM left.
   */
  static void removeStale() {
    for (String line : run(List.of("ip", "netns", "list")).output.split("\\R")) {
      String ns = line.split(" ")[0];
      Matcher m = OURS.matcher(ns);
      if (m.find() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
        deleteNamespace(ns);
      }
    }
    for (String line : run(List.of("ip", "-o", "link", "show")).output.split("\\R")) {
      Matcher m = HOST_LEG.matcher(line);
      if (m.find() && ProcessHandle.of(Long.parseLong(m.group(2))).isEmpty()) {
        run(List.of("ip", "link", "del", m.group(1)));
      }
    }
  }

  /** SIGKILL to every process in the namespace (an orphan must not hold it), then deletes it. */
  private static void deleteNamespace(String ns) {
    for (String pid : run(List.of("ip", "netns", "pids", ns)).output.split("\\s+")) {
      if (pid.matches("\\d+")) {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    run(List.of("ip", "netns", "del", ns));
  }

  private void must(String... command) {
    Result r = run(List.of(command));
    if (r.code != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed (exit " + r.code + "): " + r.output.strip());
    }
  }

  private record Result(int code, String output) {}

  private static Result run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, String.join(" ", command) + " timed out");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  private static boolean onPath(String name) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        if (Files.isExecutable(Path.of(dir, name))) {
          return true;
        }
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin", name)) || Files.isExecutable(Path.of("/sbin", name));
  }
}
