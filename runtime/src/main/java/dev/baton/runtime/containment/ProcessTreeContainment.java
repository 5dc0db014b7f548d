package dev.baton.runtime.containment;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fallback: no container, the process tree as it is when killed. Descendants are listed
 * <em>before</em> anything is signalled (once the shell dies its children are re-parented and can
 * no longer be found from it), each signalled by its own handle: SIGTERM, then SIGKILL after the
 * grace. A process that detached itself before the kill (double fork, {@code setsid}) is no
 * longer a descendant and <strong>escapes</strong>; so does what a command leaves running when it
 * exits by itself. No network isolation.
 */
public final class ProcessTreeContainment implements ProcessContainment {
  private final Set<Container> live = ConcurrentHashMap.newKeySet();

  @Override
  public String name() {
    return "process-tree";
  }

  @Override
  public String description() {
    return "process-tree: kills the command's process tree as it is when stopped; processes that"
        + " detached (double fork, setsid) escape; network isolation unavailable";
  }

  @Override
  public boolean canIsolateNetwork() {
    return false;
  }

  @Override
  public Container container() {
    return new Tree();
  }

  @Override
  public void killAll() {
    for (Container c : List.copyOf(live)) {
      c.killNow();
    }
  }

  private final class Tree extends Container {
    // The tree as listed at SIGTERM: SIGKILL goes to those of them still alive.
    private volatile List<ProcessHandle> listed = List.of();

    Tree() {
      super(live);
    }

    @Override
    protected List<String> wrap(List<String> argv, boolean network) throws IOException {
      if (!network) {
        throw new IOException("the network cannot be cut for this process: containment 'process-tree' has no"
            + " network isolation (expected: a PID and network namespace, i.e. unshare with CAP_SYS_ADMIN or"
            + " unprivileged user namespaces; or allow the network in the policy)");
      }
      return argv;
    }

    @Override
    protected void terminate() {
      List<ProcessHandle> tree = tree(process().toHandle());
      listed = tree;
      for (ProcessHandle p : tree) {
        p.destroy();
      }
    }

    @Override
    protected void forceKill() {
      List<ProcessHandle> tree = new java.util.ArrayList<>(listed);
      tree.addAll(tree(process().toHandle()));
      for (ProcessHandle p : tree) {
        if (p.isAlive()) {
          p.destroyForcibly();
        }
      }
    }

    @Override
    protected boolean leftovers() {
      return listed.stream().anyMatch(ProcessHandle::isAlive);
    }
  }
}
