package dev.baton.runtime.containment;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds which {@link ProcessContainment} works on this machine by really running a probe process
 * with each, in order: a PID namespace (as root, then in a user namespace), a delegated cgroup v2
 * leaf, and the plain process tree. The probe runs once per JVM and its result is logged once
 * (WARN when only the process tree is left); each call still returns a new instance, so that one
 * instance's {@link ProcessContainment#killAll()} never reaches another's processes.
 */
public final class Containments {
  private static final Logger log = LoggerFactory.getLogger(Containments.class);
  /** The names {@link #named} accepts. */
  public static final List<String> NAMES = List.of("auto", "pid-namespace", "cgroup", "process-tree");
  private static final long PROBE_SECONDS = 5;

  private static Supplier<ProcessContainment> detected;

  private Containments() {}

  /** The best containment that works here (probed once per JVM, logged once). */
  public static synchronized ProcessContainment detect() {
    if (detected == null) {
      Optional<ProcessContainment> ns = pidNamespace();
      Optional<ProcessContainment> cg = ns.isPresent() ? Optional.empty() : cgroup();
      ProcessContainment chosen = ns.or(() -> cg).orElseGet(ProcessTreeContainment::new);
      if (chosen instanceof ProcessTreeContainment) {
        log.warn("process containment: {} (no PID namespace: unshare missing or not permitted; no writable"
            + " cgroup v2 with cgroup.kill). Processes a task double-forks may outlive its cancel; see"
            + " docs/security.md, Process containment", chosen.description());
      } else {
        log.info("process containment: {}", chosen.description());
      }
      detected = chosen instanceof PidNamespaceContainment p ? p::fresh
          : chosen instanceof CgroupContainment c ? c::fresh : ProcessTreeContainment::new;
      return chosen;
    }
    return detected.get();
  }

  /**
   * The containment named {@code name} ({@link #NAMES}; {@code auto} is {@link #detect()}).
   *
   * @throws IllegalArgumentException for an unknown name, or a mechanism that does not work here
   */
  public static ProcessContainment named(String name) {
    return switch (name) {
      case "auto" -> detect();
      case "pid-namespace" -> pidNamespaceOrFail();
      case "cgroup" -> cgroupOrFail();
      case "process-tree" -> new ProcessTreeContainment();
      default -> throw new IllegalArgumentException("containment: '" + name + "' (expected one of " + NAMES + ")");
    };
  }

  private static ProcessContainment pidNamespaceOrFail() {
    return pidNamespace().orElseThrow(() -> new IllegalArgumentException("containment: pid-namespace does not work"
        + " here (unshare --pid --fork --mount-proc failed, also in a user namespace; expected: util-linux"
        + " unshare, and root, CAP_SYS_ADMIN or unprivileged user namespaces; or choose auto)"));
  }

  private static ProcessContainment cgroupOrFail() {
    return cgroup().orElseThrow(() -> new IllegalArgumentException("containment: cgroup does not work here"
        + " (expected: a cgroup v2 hierarchy whose cgroup of this process is writable and has cgroup.kill,"
        + " Linux 5.14+; or choose auto)"));
  }

  /** The plain process-tree kill (always available). */
  public static ProcessContainment processTree() {
    return new ProcessTreeContainment();
  }

  /** A PID namespace containment, if {@code unshare} works here as this user (probed now). */
  public static Optional<ProcessContainment> pidNamespace() {
    Optional<String> unshare = onPath("unshare");
    if (unshare.isEmpty()) {
      return Optional.empty();
    }
    for (List<String> userFlags : List.of(List.<String>of(), List.of("--user", "--map-current-user"),
        List.of("--user", "--map-root-user"))) {
      PidNamespaceContainment candidate = new PidNamespaceContainment(unshare.get(), userFlags, false, null);
      // The init must see itself as PID 1: that is the namespace working, not only unshare starting.
      if (!probe(candidate.command(List.of("/bin/sh", "-c", "test $PPID -eq 1"), true))) {
        continue;
      }
      PidNamespaceContainment withNet = new PidNamespaceContainment(unshare.get(), userFlags, true, null);
      if (!probe(withNet.command(List.of("/bin/true"), false))) {
        return Optional.of(candidate);
      }
      // Loopback comes up only where the namespace's processes hold CAP_NET_ADMIN in it: as root,
      // not as an unprivileged user mapped to itself.
      String ip = onPath("ip").orElse(null);
      boolean loopback = ip != null && probe(withNet.command(List.of(ip, "link", "set", "lo", "up"), false));
      return Optional.of(new PidNamespaceContainment(unshare.get(), userFlags, true, loopback ? ip : null));
    }
    return Optional.empty();
  }

  /** A cgroup containment, if this process's cgroup v2 is writable and has cgroup.kill (probed now). */
  public static Optional<ProcessContainment> cgroup() {
    Optional<Path> own = ownCgroupV2();
    if (own.isEmpty()) {
      return Optional.empty();
    }
    Path parent = own.get().resolve("baton-" + ProcessHandle.current().pid());
    try {
      if (!Files.isDirectory(parent)) {
        Files.createDirectory(parent);
      }
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
    CgroupContainment.removeAtExit(parent);
    Path probe = parent.resolve("probe");
    try {
      Files.createDirectory(probe);
      if (!Files.exists(probe.resolve("cgroup.kill"))) {
        return Optional.empty();
      }
      boolean moved = probe(List.of("/bin/sh", "-c",
          "echo $$ > \"$1/cgroup.procs\" && grep -q '^0::.*/probe$' /proc/$$/cgroup", "baton-probe",
          probe.toString()));
      return moved ? Optional.of(new CgroupContainment(parent)) : Optional.empty();
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    } finally {
      CgroupContainment.remove(probe);
    }
  }

  /** This process's cgroup directory in a mounted cgroup v2 hierarchy. */
  static Optional<Path> ownCgroupV2() {
    try {
      String own = null;
      for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"), StandardCharsets.UTF_8)) {
        if (line.startsWith("0::")) {
          own = line.substring(3);
        }
      }
      if (own == null) {
        return Optional.empty();
      }
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
        String[] halves = line.split(" - ", 2);
        if (halves.length < 2 || !halves[1].startsWith("cgroup2 ")) {
          continue;
        }
        String[] fields = halves[0].split(" ");
        String root = fields[3];
        String mountPoint = fields[4].replace("\\040", " ");
        String relative = own.startsWith(root) ? own.substring(root.length()) : null;
        if (relative == null) {
          continue;
        }
        Path dir = Path.of(mountPoint, relative.replaceFirst("^/+", ""));
        if (Files.isDirectory(dir)) {
          return Optional.of(dir);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or /proc unreadable.
    }
    return Optional.empty();
  }

  /** Runs a probe command; true when it exits 0 within the bound. */
  private static boolean probe(List<String> command) {
    try {
      Process p = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
      if (!p.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Optional<String> onPath(String program) {
    List<String> dirs = new ArrayList<>(List.of(
        System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate.toAbsolutePath().toString());
      }
    }
    return Optional.empty();
  }
}
