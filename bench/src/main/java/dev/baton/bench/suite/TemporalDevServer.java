package dev.baton.bench.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code temporal server start-dev} as a child process: Temporal's frontend, history, matching and
 * worker services in one Go process, on a free localhost port, with SQLite in memory or in a file.
 *
 * <p>The server runs under a small {@code bash} wrapper that reads this JVM's pipe to its stdin and
 * stops the server (SIGTERM) when the pipe closes: on {@link #close()}, and also when this JVM dies
 * by SIGKILL, so a killed bench leaves no server behind (as Baton's children poll their parent).
 * Started, used and closed by one thread.
 */
final class TemporalDevServer implements AutoCloseable {
  /** The CLI version {@code scripts/install-tools.sh --temporal} builds and the figures were taken with. */
  static final String VERSION = "1.5.1";
  static final String INSTALL_HINT = "build it with `scripts/install-tools.sh --temporal` (about 4 minutes,"
      + " into .tools/bin) or pass --temporal-bin PATH";
  private static final long STOP_GRACE_SECONDS = 15;

  /** Where the SQLite database lives; the file is what makes the peer durable like Baton's journal. */
  enum Store {
    /** {@code --db-filename}: SQLite on disk with its defaults (rollback journal, synchronous=FULL). */
    FILE("SQLite file"),
    /** No {@code --db-filename}: SQLite in memory, lost when the process ends. */
    MEMORY("SQLite in memory");

    final String description;

    Store(String description) {
      this.description = description;
    }
  }

  private enum State { RUNNING, STOPPED }

  /**
   * Runs the server ({@code "$@"}) in the background and a reader of this JVM's pipe (fd 3, since a
   * background job's stdin is /dev/null) that sends it SIGTERM at end of file; exits when the server does.
   */
  private static final String WRAPPER = "exec 3<&0; \"$@\" </dev/null & server=$!;"
      + " { read -r _ <&3; kill -TERM $server 2>/dev/null; } & wait $server";

  private final Process wrapper;
  private final int port;
  private final Path dir;
  private final Store store;
  private State state = State.RUNNING;

  private TemporalDevServer(Process wrapper, int port, Path dir, Store store) {
    this.wrapper = wrapper;
    this.port = port;
    this.dir = dir;
    this.store = store;
  }

  /** {@code .tools/bin/temporal} of the repository this runs in (found from the working directory up). */
  static Path defaultBinary() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isRegularFile(dir.resolve("scripts/install-tools.sh"))) {
        return dir.resolve(".tools/bin/temporal");
      }
      dir = dir.getParent();
    }
    return Path.of(".tools/bin/temporal").toAbsolutePath();
  }

  /** The first line of {@code temporal --version}; fails naming the fix when the binary is missing. */
  static String version(Path binary) {
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException("no Temporal CLI at " + binary + ": " + INSTALL_HINT);
    }
    try {
      Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.startsWith("temporal version ")) {
        throw new IllegalStateException(binary + " --version printed '" + out + "' (expected: temporal version "
            + VERSION + " ...): is it the Temporal CLI? " + INSTALL_HINT);
      }
      return out.lines().findFirst().orElse(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + binary + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Starts the dev server with {@code extraArgs} appended; returns once the process runs (the caller
   * checks that it serves, with a health check). Its log (stderr, level warn) goes to a temporary
   * directory removed on close.
   */
  static TemporalDevServer start(Path binary, Store store, List<String> extraArgs) {
    version(binary);
    try {
      Path dir = Files.createTempDirectory("baton-bench-temporal");
      int port = freePort();
      List<String> server = new ArrayList<>(List.of(binary.toString(), "server", "start-dev", "--headless",
          "--ip", "127.0.0.1", "--port", Integer.toString(port)));
      if (store == Store.FILE) {
        server.addAll(List.of("--db-filename", dir.resolve("temporal.db").toString()));
      }
      server.addAll(extraArgs);
      List<String> command = new ArrayList<>(List.of("bash", "-c",
          WRAPPER, "bash"));
      command.addAll(server);
      Process wrapper = new ProcessBuilder(command)
          .redirectOutput(dir.resolve("server.out").toFile())
          .redirectError(dir.resolve("server.log").toFile())
          .start();
      return new TemporalDevServer(wrapper, port, dir, store);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + binary + " server start-dev: " + e.getMessage(), e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  /** host:port of the frontend gRPC service. */
  String target() {
    return "127.0.0.1:" + port;
  }

  Store store() {
    return store;
  }

  /** False once the server (or its wrapper) has exited. */
  boolean isAlive() {
    return wrapper.isAlive();
  }

  /** The last {@code n} lines of the server's output and log, for error messages. */
  String logTail(int n) {
    StringBuilder tail = new StringBuilder();
    for (String f : List.of("server.out", "server.log")) {
      try {
        List<String> lines = Files.readAllLines(dir.resolve(f), StandardCharsets.UTF_8);
        lines.subList(Math.max(0, lines.size() - n), lines.size()).forEach(l -> tail.append(l).append('\n'));
      } catch (IOException e) {
        tail.append("(no ").append(f).append(")\n");
      }
    }
    return tail.toString();
  }

  /** Stops the server (SIGTERM, then SIGKILL after {@value #STOP_GRACE_SECONDS} s) and removes its files. */
  @Override
  public void close() {
    if (state == State.STOPPED) {
      return;
    }
    state = State.STOPPED;
    List<ProcessHandle> tree = wrapper.descendants().toList();
    try {
      wrapper.getOutputStream().close(); // the wrapper's `read` ends: it sends SIGTERM and waits
      if (!wrapper.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
        tree.forEach(ProcessHandle::destroyForcibly);
        wrapper.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      tree.forEach(ProcessHandle::destroyForcibly);
      wrapper.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      tree.forEach(ProcessHandle::destroyForcibly);
      wrapper.destroyForcibly();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp directory left behind is harmless
    }
  }
}
