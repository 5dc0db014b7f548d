package dev.baton.runtime.containment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each process in a PID namespace of its own (util-linux {@code unshare --pid --fork --kill-child
 * --mount-proc}), optionally with a network namespace holding only loopback ({@code --net}).
 *
 * <p>Inside, a tiny init ({@code /bin/sh -c '"$@"; exit $?'}) runs the command as its foreground
 * child and exits with its status, so signals reach the command as before (a namespace's init
 * ignores SIGTERM) and exit codes are unchanged. Every process started inside, double-forked or
 * not, is re-parented to that init, never to the host's: when the init exits (the command ended,
 * or was killed) the kernel SIGKILLs everything left in the namespace, and killing {@code unshare}
 * kills the init ({@code --kill-child}). Without root, {@code --user --map-current-user} makes the
 * namespaces in a user namespace of one's own, where the kernel allows unprivileged ones.
 *
 * <p>Caveat: processes inside see their own PIDs ({@code $$} is small); the host sees real ones.
 */
public final class PidNamespaceContainment implements ProcessContainment {
  private final String unshare;
  private final List<String> userFlags;
  private final boolean netIsolation;
  private final String ip;
  private final Set<Container> live = ConcurrentHashMap.newKeySet();

  /**
   * @param unshare the {@code unshare} binary (absolute path)
   * @param userFlags empty as root, else the flags that make a user namespace
   * @param netIsolation whether {@code --net} was seen to work
   * @param ip the {@code ip} binary that brings loopback up in a new network namespace; null: none
   */
  PidNamespaceContainment(String unshare, List<String> userFlags, boolean netIsolation, String ip) {
    this.unshare = unshare;
    this.userFlags = List.copyOf(userFlags);
    this.netIsolation = netIsolation;
    this.ip = ip;
  }

  /** Another instance with the same probed parameters (and containers of its own). */
  ProcessContainment fresh() {
    return new PidNamespaceContainment(unshare, userFlags, netIsolation, ip);
  }

  @Override
  public String name() {
    return "pid-namespace";
  }

  @Override
  public String description() {
    return "pid-namespace: each task process in its own PID namespace (" + unshare
        + (userFlags.isEmpty() ? "" : " " + String.join(" ", userFlags)) + "); killing it kills every"
        + " process in it, double-forked ones included; network isolation "
        + (netIsolation ? "available" + (ip == null ? " (loopback down inside: `ip link set lo up` missing or not permitted)" : " (loopback up inside)") : "unavailable");
  }

  @Override
  public boolean canIsolateNetwork() {
    return netIsolation;
  }

  @Override
  public Container container() {
    return new Namespace();
  }

  @Override
  public void killAll() {
    for (Container c : List.copyOf(live)) {
      c.killNow();
    }
  }

  /** The command line that runs {@code argv} in new namespaces. */
  List<String> command(List<String> argv, boolean network) {
    List<String> command = new ArrayList<>(List.of(unshare, "--pid", "--fork", "--kill-child", "--mount-proc"));
    command.addAll(userFlags);
    String init = "\"$@\"; exit $?";
    if (!network) {
      command.add("--net");
      if (ip != null) {
        init = "'" + ip + "' link set lo up 2>/dev/null; " + init;
      }
    }
    command.addAll(List.of("--", "/bin/sh", "-c", init, "baton-container"));
    command.addAll(argv);
    return command;
  }

  private final class Namespace extends Container {
    Namespace() {
      super(live);
    }

    @Override
    protected List<String> wrap(List<String> argv, boolean network) throws IOException {
      if (!network && !netIsolation) {
        throw new IOException("the network cannot be cut for this process: unshare --net does not work here"
            + " (expected: CAP_SYS_ADMIN or unprivileged user namespaces; or allow the network in the policy)");
      }
      return command(argv, network);
    }

    @Override
    protected void terminate() {
      // Everything in the namespace descends from unshare's child (the init), orphans included;
      // unshare itself is left alone: it exits with the init's status.
      for (ProcessHandle p : process().descendants().toList()) {
        p.destroy();
      }
    }

    @Override
    protected void forceKill() {
      // SIGKILL to the init from outside ends the namespace; to unshare, its --kill-child does the same.
      process().children().forEach(ProcessHandle::destroyForcibly);
      process().destroyForcibly();
    }
  }
}
