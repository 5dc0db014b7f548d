package dev.baton.runtime.containment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each process in a cgroup v2 leaf of its own under a writable (delegated) cgroup, killed whole
 * with {@code cgroup.kill} (Linux 5.14+): the kernel kills every process in the cgroup, and a
 * process cannot leave it by forking, double-forking or changing session.
 *
 * <p>The process moves itself in before it runs the command ({@code /bin/sh -c 'echo $$ >
 * .../cgroup.procs; exec "$@"'}), so nothing it starts is ever outside. When the main process
 * exits the rest of the cgroup is killed and the cgroup removed. No network isolation.
 */
public final class CgroupContainment implements ProcessContainment {
  private static final Logger log = LoggerFactory.getLogger(CgroupContainment.class);
  /** How long the end of a container waits for its cgroup to empty before leaving it for later. */
  private static final long EMPTY_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

  private static final AtomicLong INSTANCES = new AtomicLong();
  private final Path parent;
  private final AtomicLong next = new AtomicLong();
  private final Set<Container> live = ConcurrentHashMap.newKeySet();
  // Cgroups that were still busy when their container ended: removed at the next start.
  private final Set<Path> stale = ConcurrentHashMap.newKeySet();

  /** @param parent an existing cgroup v2 directory this process may create children in and move into */
  CgroupContainment(Path parent) {
    this.parent = parent;
  }

  /** Another instance in the same parent cgroup (with containers of its own, numbered apart). */
  ProcessContainment fresh() {
    return new CgroupContainment(parent.resolveSibling(parent.getFileName() + "-" + INSTANCES.incrementAndGet()));
  }

  @Override
  public String name() {
    return "cgroup";
  }

  @Override
  public String description() {
    return "cgroup: each task process in its own cgroup v2 leaf under " + parent
        + ", killed whole with cgroup.kill; network isolation unavailable";
  }

  @Override
  public boolean canIsolateNetwork() {
    return false;
  }

  @Override
  public Container container() {
    return new Leaf(parent.resolve("task-" + next.incrementAndGet()));
  }

  @Override
  public void killAll() {
    for (Container c : List.copyOf(live)) {
      c.killNow();
    }
    // The end of each killed container removes its leaf; the parent goes once they are gone, here
    // or at the JVM's exit.
    stale.removeIf(CgroupContainment::remove);
    if (!remove(parent)) {
      removeAtExit(parent);
    }
  }

  private static final Set<Path> AT_EXIT = ConcurrentHashMap.newKeySet();

  /** Removes {@code dir} (an empty cgroup, once its leaves are gone) when the JVM exits. */
  static void removeAtExit(Path dir) {
    synchronized (AT_EXIT) {
      if (AT_EXIT.isEmpty()) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          for (Path p : AT_EXIT) {
            try (var leaves = Files.list(p)) {
              leaves.filter(Files::isDirectory).forEach(leaf -> {
                killCgroup(leaf);
                remove(leaf);
              });
            } catch (IOException e) {
              // Gone already.
            }
            remove(p);
          }
        }, "baton-cgroup-cleanup"));
      }
      AT_EXIT.add(dir);
    }
  }

  /** The cgroup directory the containers are made in. */
  Path parent() {
    return parent;
  }

  static List<ProcessHandle> members(Path cgroup) {
    List<ProcessHandle> members = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(cgroup.resolve("cgroup.procs"), StandardCharsets.US_ASCII)) {
        if (!line.isBlank()) {
          ProcessHandle.of(Long.parseLong(line.strip())).ifPresent(members::add);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // Gone already: nothing to signal.
    }
    return members;
  }

  static boolean populated(Path cgroup) {
    try {
      return Files.readAllLines(cgroup.resolve("cgroup.events")).contains("populated 1");
    } catch (IOException e) {
      return false;
    }
  }

  static void killCgroup(Path cgroup) {
    try {
      Files.writeString(cgroup.resolve("cgroup.kill"), "1");
    } catch (IOException e) {
      // Removed already (its processes are gone).
    }
  }

  /** Removes an empty cgroup; false while processes are still leaving it. */
  static boolean remove(Path cgroup) {
    try {
      Files.deleteIfExists(cgroup);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private final class Leaf extends Container {
    private final Path cgroup;

    Leaf(Path cgroup) {
      super(live);
      this.cgroup = cgroup;
    }

    @Override
    protected List<String> wrap(List<String> argv, boolean network) throws IOException {
      if (!network) {
        throw new IOException("the network cannot be cut for this process: containment 'cgroup' has no"
            + " network isolation (expected: a PID and network namespace, i.e. unshare with CAP_SYS_ADMIN or"
            + " unprivileged user namespaces; or allow the network in the policy)");
      }
      stale.removeIf(CgroupContainment::remove);
      if (!Files.isDirectory(parent)) {
        Files.createDirectories(parent);
        removeAtExit(parent);
      }
      Files.createDirectory(cgroup);
      List<String> command = new ArrayList<>(List.of("/bin/sh", "-c",
          "echo $$ > \"$1/cgroup.procs\" || exit 125; shift; exec \"$@\"", "baton-container", cgroup.toString()));
      command.addAll(argv);
      return command;
    }

    @Override
    protected void terminate() {
      for (ProcessHandle p : members(cgroup)) {
        p.destroy();
      }
    }

    @Override
    protected void forceKill() {
      killCgroup(cgroup);
    }

    @Override
    protected boolean leftovers() {
      return populated(cgroup);
    }

    @Override
    protected void ended() {
      killCgroup(cgroup);
      long deadline = System.nanoTime() + EMPTY_WAIT_NANOS;
      // cgroup.kill is asynchronous: the dying processes leave the cgroup within milliseconds.
      while (populated(cgroup) && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
      }
      if (!remove(cgroup)) {
        log.debug("cgroup {} still busy; removed later", cgroup);
        stale.add(cgroup);
      }
    }

    @Override
    protected void abandoned() {
      remove(cgroup);
    }
  }
}
