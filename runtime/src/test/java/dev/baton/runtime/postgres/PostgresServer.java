package dev.baton.runtime.postgres;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real, private PostgreSQL server for a test class: register it as a static
 * {@code @RegisterExtension} field. Before the class's first test it runs {@code initdb} into a
 * fresh temp directory, starts {@code postgres} on a free loopback port (TCP on 127.0.0.1 only,
 * password authentication over TCP, {@code fsync} on, as in production) and creates a database;
 * after the class it stops the server (fast shutdown, then SIGKILL) and deletes the directory, also
 * when a test failed. One server per class keeps the suite fast; {@link #createDatabase} gives each
 * test a database of its own.
 *
 * <p>PostgreSQL refuses to run as root: when the JVM runs as root, the server runs as the
 * {@code postgres} system user (through {@code setpriv}, else {@code runuser}) with a data
 * directory it owns; otherwise it runs as the JVM's user.
 *
 * <p>Without server binaries the whole class is skipped, with the reason printed. The binaries'
 * directory is looked up in the system property {@code baton.postgres.bin}, the environment
 * variable {@code BATON_POSTGRES_BIN}, Debian's {@code /usr/lib/postgresql/<major>/bin} (newest
 * major first; {@code scripts/install-tools.sh}, run by the build, installs the package) and the PATH.
 */
public final class PostgresServer implements BeforeAllCallback, AfterAllCallback {
  /** The superuser the tests connect as. */
  public static final String USER = "baton";
  /** Its password (TCP connections must give it, as in production). */
  public static final String PASSWORD = "baton-test-secret";
  /** The database created at start. */
  public static final String DATABASE = "baton";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private Path bin;
  private Path baseDir;
  private Path dataDir;
  private Path socketDir;
  private Path log;
  private int port;
  private Process process;
  private Thread shutdownHook;
  private boolean asPostgresUser;
  /** The address the server listens on and clients dial (127.0.0.1 unless {@link #startIn} said otherwise). */
  private String host = "127.0.0.1";
  /** Prepended to the server's command line, e.g. {@code ip netns exec NS}; empty by default. */
  private List<String> launchPrefix = List.of();

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    setUp(context.getDisplayName());
  }

  /**
   * For a test that starts the server itself, later than class set-up: listens on {@code host}
   * and runs {@code postgres} behind {@code prefix} (for a network namespace: {@code ip netns exec
   * NS}); {@code host} must be reachable from this JVM, which runs initdb, createdb and pg_isready.
   * Stop it with {@link #shutDown()}.
   */
  public void startIn(String host, List<String> prefix) throws Exception {
    this.host = host;
    this.launchPrefix = List.copyOf(prefix);
    setUp("PostgreSQL in " + String.join(" ", prefix));
  }

  /** Stops the server started by {@link #startIn} and deletes its directory. */
  public void shutDown() {
    afterAll(null);
  }

  private void setUp(String who) throws Exception {
    Optional<Path> found = findBinDir();
    if (found.isEmpty()) {
      String reason = "PostgreSQL server binaries not found (looked at -Dbaton.postgres.bin, $BATON_POSTGRES_BIN,"
          + " /usr/lib/postgresql/*/bin and the PATH for initdb); run scripts/install-tools.sh or"
          + " apt-get install postgresql";
      System.out.println("SKIPPED " + who + ": " + reason);
      Assumptions.abort(reason);
    }
    bin = found.get();
    asPostgresUser = "root".equals(System.getProperty("user.name"));
    baseDir = Files.createTempDirectory("baton-postgres-test");
    dataDir = baseDir.resolve("data");
    socketDir = baseDir.resolve("socket");
    Files.createDirectories(socketDir);
    log = baseDir.resolve("postgres.log");
    Path passwordFile = baseDir.resolve("password");
    Files.writeString(passwordFile, PASSWORD + "\n");
    if (asPostgresUser) {
      chownToPostgres(baseDir, socketDir, passwordFile);
    }
    port = freePort();
    run(List.of(bin.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", USER,
        "--pwfile=" + passwordFile, "--auth-local=trust", "--auth-host=scram-sha-256",
        "--encoding=UTF8", "--locale=C", "--no-instructions"), Duration.ofSeconds(120));
    if (!host.equals("127.0.0.1")) {
      // initdb lets TCP in from loopback only: the namespace's own subnet too, with the password.
      Files.writeString(dataDir.resolve("pg_hba.conf"), "host all all samenet scram-sha-256\n",
          java.nio.file.StandardOpenOption.APPEND);
    }
    start();
    run(List.of(bin.resolve("createdb").toString(), "-h", socketDir.toString(), "-p", Integer.toString(port),
        "-U", USER, DATABASE), Duration.ofSeconds(30));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down: the hook runs anyway
      }
    }
    if (baseDir != null) {
      deleteTree(baseDir);
    }
  }

  /** The server's TCP port on its host (127.0.0.1 by default). */
  public int port() {
    return port;
  }

  /** {@code postgres://baton:PASSWORD@127.0.0.1:PORT/baton}: the journal's spec form. */
  public String url() {
    return url(DATABASE);
  }

  /** {@code postgres://...} of another database of this server. */
  public String url(String database) {
    return "postgres://" + USER + ":" + PASSWORD + "@" + host + ":" + port + "/" + database;
  }

  /** {@code jdbc:postgresql://127.0.0.1:PORT/baton} (give {@link #USER} and {@link #PASSWORD} apart). */
  public String jdbcUrl() {
    return jdbcUrl(DATABASE);
  }

  /** The JDBC URL of another database of this server. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /**
   * Creates a fresh, empty database named {@code prefix} plus a counter and returns its
   * {@code postgres://} URL, so a test does not see another test's tables.
   */
  public String createDatabase(String prefix) {
    String name = prefix.toLowerCase().replaceAll("[^a-z0-9_]", "_") + "_" + DATABASES.incrementAndGet();
    run(List.of(bin.resolve("createdb").toString(), "-h", socketDir.toString(), "-p", Integer.toString(port),
        "-U", USER, name), Duration.ofSeconds(30));
    return url(name);
  }

  /** Runs SQL through {@code psql} in {@code database} (stop on the first error) and returns its output. */
  public String psql(String database, String sql) {
    return run(List.of(bin.resolve("psql").toString(), "-h", socketDir.toString(), "-p", Integer.toString(port),
        "-U", USER, "-d", database, "-v", "ON_ERROR_STOP=1", "-X", "-q", "-A", "-t", "-c", sql),
        Duration.ofSeconds(30));
  }

  /** Starts the server (again, on the same port and data) and waits until it accepts connections. */
  public void start() {
    List<String> command = List.of(bin.resolve("postgres").toString(), "-D", dataDir.toString(),
        "-p", Integer.toString(port), "-k", socketDir.toString(),
        "-c", "listen_addresses=" + host, "-c", "fsync=on", "-c", "synchronous_commit=on",
        "-c", "shared_buffers=16MB", "-c", "max_connections=60", "-c", "logging_collector=off");
    try {
      List<String> full = new ArrayList<>(launchPrefix);
      full.addAll(asUser(command));
      process = new ProcessBuilder(full)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
    if (shutdownHook == null) {
      // A JVM that exits without afterAll (Ctrl-C of the build) must not leave the server behind.
      shutdownHook = new Thread(this::kill, "postgres-server-stop");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
    await("postgres on " + host + ":" + port + " (log: " + log + ")")
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("postgres exited with " + process.exitValue() + "; log: " + Files.readString(log));
          }
          return isReady();
        });
  }

  /** Fast shutdown (sessions are disconnected, committed data kept), then SIGKILL after 10 s. */
  public void stop() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    signal(p, "INT");
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      kill();
      Thread.currentThread().interrupt();
    }
  }

  private void kill() {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      signal(p, "KILL");
    }
  }

  /** The postmaster may be a child of setpriv/runuser's exec or a grandchild: signal it by its pid file. */
  private void signal(Process p, String signal) {
    try {
      Path pidFile = dataDir.resolve("postmaster.pid");
      String pid = Files.exists(pidFile) ? Files.readAllLines(pidFile).get(0).trim() : Long.toString(p.pid());
      new ProcessBuilder("kill", "-" + signal, pid).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
    } catch (IOException | RuntimeException e) {
      p.destroy();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean isReady() {
    try {
      Process ready = new ProcessBuilder(bin.resolve("pg_isready").toString(), "-q", "-h", host,
          "-p", Integer.toString(port)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return ready.waitFor(5, TimeUnit.SECONDS) && ready.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs a client or initdb command (as the postgres user when root) and returns its output. */
  private String run(List<String> command, Duration timeout) {
    try {
      Process p = new ProcessBuilder(asUser(command)).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(command.get(0) + " did not finish within " + timeout);
      }
      String output = new String(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command.get(0), e);
    }
  }

  /** As root, the command runs as {@code postgres}: setpriv execs in place, runuser is the fallback. */
  private List<String> asUser(List<String> command) {
    if (!asPostgresUser) {
      return command;
    }
    List<String> wrapped = new ArrayList<>();
    if (onPath("setpriv")) {
      wrapped.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
    } else if (onPath("runuser")) {
      wrapped.addAll(List.of("runuser", "-u", "postgres", "--"));
    } else {
      throw new IllegalStateException("running as root, PostgreSQL must run as the postgres user, but neither"
          + " setpriv nor runuser (util-linux) is on the PATH; install util-linux or run the tests as another user");
    }
    wrapped.addAll(command);
    return wrapped;
  }

  private static void chownToPostgres(Path... paths) throws IOException {
    UserPrincipal postgres;
    try {
      postgres = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
    } catch (IOException e) {
      throw new IllegalStateException("running as root, PostgreSQL must run as the 'postgres' system user, which does"
          + " not exist; install Debian's postgresql package (it creates the user) or run the tests as another user", e);
    }
    for (Path p : paths) {
      Files.setOwner(p, postgres);
    }
  }

  static Optional<Path> findBinDir() {
    for (String configured : new String[] {System.getProperty("baton.postgres.bin"), System.getenv("BATON_POSTGRES_BIN")}) {
      if (configured != null && Files.isExecutable(Path.of(configured, "initdb"))) {
        return Optional.of(Path.of(configured));
      }
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> majors = Files.list(debian)) {
        Optional<Path> newest = majors
            .filter(d -> Files.isExecutable(d.resolve("bin/initdb")))
            .max(Comparator.comparingInt(PostgresServer::major))
            .map(d -> d.resolve("bin"));
        if (newest.isPresent()) {
          return newest;
        }
      } catch (IOException e) {
        // fall through to the PATH
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        if (Files.isExecutable(Path.of(dir, "initdb")) && Files.isExecutable(Path.of(dir, "postgres"))) {
          return Optional.of(Path.of(dir));
        }
      }
    }
    return Optional.empty();
  }

  private static int major(Path dir) {
    try {
      return Integer.parseInt(dir.getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
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
    return false;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: the OS cleans the temp dir eventually
    }
  }
}
