package dev.baton.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Runs podman for the image tests with storage inside {@code image/target/podman} and the repository's
 * containers.conf (runc, explicit ulimits), so neither the host's configuration nor its image store
 * changes what the tests see, and a fresh CI machine needs nothing but the packages.
 *
 * <p>Every container, volume and network made through {@link #container}, {@link #volume} and
 * {@link #network} is removed by {@link #close}. One instance per test class, used from the test
 * thread only.
 */
final class Podman implements AutoCloseable {
  /** Longest any single podman command may take (a load of the ~110 MB tarball takes about 5 s). */
  static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);

  private final Path storage;
  private final Path conf;
  private final String prefix = "baton-it-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<String> containers = new ArrayList<>();
  private final List<String> volumes = new ArrayList<>();
  private final List<String> networks = new ArrayList<>();
  private int counter;

  private Podman(Path storage, Path conf) {
    this.storage = storage;
    this.conf = conf;
  }

  /** Podman with this build's storage and the repository's containers.conf. */
  static Podman open() {
    Path conf;
    try {
      conf = Path.of(Podman.class.getResource("/containers.conf").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    Path storage = Path.of(System.getProperty("baton.build.dir", "target")).resolve("podman").toAbsolutePath();
    return new Podman(storage, conf);
  }

  /**
   * Why podman cannot run containers on this machine, if it cannot: not installed (scripts/tools/podman.sh,
   * which the build calls, installs it where it can), or {@code podman info} fails.
   */
  Optional<String> unavailableReason() {
    if (!onPath("podman")) {
      return Optional.of("podman is not installed (scripts/tools/podman.sh installs it with apt-get as root)");
    }
    Result info = run(Duration.ofSeconds(60), "info", "--format", "{{.Host.OCIRuntime.Name}}");
    if (info.exitCode() != 0) {
      return Optional.of("podman cannot run here: " + info.stderr().strip());
    }
    return Optional.empty();
  }

  /** Loads the image tarball Jib built (idempotent) and returns its reference. */
  String load(Path tarball, String name) {
    // Containers and volumes a killed test run left in this build's storage (never another's: the
    // storage is image/target/podman; networks are machine-wide, so only our own are ever removed).
    run(COMMAND_TIMEOUT, "rm", "-a", "-f", "-t", "0");
    run(COMMAND_TIMEOUT, "volume", "prune", "-f");
    assertThat(tarball).as("the image tarball (built by `jib:buildTar` at package)").isRegularFile();
    Result load = run(COMMAND_TIMEOUT, "load", "-q", "-i", tarball.toString());
    assertThat(load.exitCode()).as(load.toString()).isZero();
    // Each build of a changed image leaves the previous one untagged: drop those so storage stays small.
    run(COMMAND_TIMEOUT, "image", "prune", "-f");
    return "localhost/" + name;
  }

  /** A fresh container name, removed on close whether or not the container was started. */
  String container(String role) {
    String name = prefix + "-" + role + "-" + (++counter);
    containers.add(name);
    return name;
  }

  /** Creates a named volume, removed on close. */
  String volume(String role) {
    String name = prefix + "-" + role + "-" + (++counter);
    Result made = run(COMMAND_TIMEOUT, "volume", "create", name);
    assertThat(made.exitCode()).as(made.toString()).isZero();
    volumes.add(name);
    return name;
  }

  /**
   * Creates a bridge network on a random 10.89.x.0/24 (tried up to 10 times, since other builds on the
   * machine may hold one), removed on close; returns its name.
   */
  String network(String role) {
    String name = prefix + "-" + role + "-" + (++counter);
    Result last = null;
    for (int attempt = 0; attempt < 10; attempt++) {
      int third = java.util.concurrent.ThreadLocalRandom.current().nextInt(100, 250);
      last = run(COMMAND_TIMEOUT, "network", "create", "--subnet", "10.89." + third + ".0/24", name);
      if (last.exitCode() == 0) {
        networks.add(name);
        return name;
      }
    }
    throw new AssertionError("could not create a podman network: " + last);
  }

  /** Runs {@code podman ARGS} and returns what it printed; fails the test past {@code timeout}. */
  Result run(Duration timeout, String... args) {
    List<String> command = new ArrayList<>(List.of("podman",
        "--root", storage.resolve("root").toString(),
        "--runroot", storage.resolve("run").toString(),
        "--tmpdir", storage.resolve("tmp").toString()));
    command.addAll(List.of(args));
    try {
      Files.createDirectories(storage.resolve("tmp"));
      Path out = Files.createTempFile("podman", ".out");
      Path err = Files.createTempFile("podman", ".err");
      try {
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("CONTAINERS_CONF", conf.toString());
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new AssertionError("podman " + String.join(" ", args) + " took longer than " + timeout);
        }
        return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running podman", e);
    }
  }

  /** Runs podman and asserts it exited 0. */
  Result ok(String... args) {
    Result result = run(COMMAND_TIMEOUT, args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  /** What a container printed so far (stdout and stderr, as podman logs keeps them). */
  String logs(String container) {
    Result logs = run(Duration.ofSeconds(30), "logs", container);
    return logs.stdout() + logs.stderr();
  }

  @Override
  public void close() {
    for (String name : containers) {
      run(Duration.ofSeconds(60), "rm", "-f", "-t", "2", "--ignore", name);
    }
    for (String name : volumes) {
      run(Duration.ofSeconds(60), "volume", "rm", "-f", name);
    }
    for (String name : networks) {
      run(Duration.ofSeconds(60), "network", "rm", "-f", name);
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /** One podman command's outcome. */
  record Result(List<String> command, int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return String.join(" ", command) + " exited " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }
}
