package dev.baton.runtime.registry;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code consul agent -dev} for a test class: register it as a static
 * {@code @RegisterExtension} field. Starts before the class's first test on free loopback ports
 * (HTTP, gRPC, serf LAN/WAN, server RPC; DNS and gRPC-TLS off; session TTLs from 1 s rather than
 * Consul's default minimum of 10 s) with its data dir in a fresh temp
 * directory, waits until it has elected itself leader, and stops it after the class (SIGTERM,
 * then SIGKILL), also when a test failed. One agent per class keeps the suite fast; tests use
 * distinct service ids so they do not see each other's services.
 *
 * <p>Without a consul binary the whole class is skipped, with the reason printed. The binary is
 * looked up in the system property {@code baton.consul.bin}, the environment variable
 * {@code BATON_CONSUL_BIN}, {@code .tools/bin/consul} in the working directory or any parent (where
 * {@code scripts/install-tools.sh}, run by the build, puts it), then the PATH.
 */
public final class ConsulAgent implements BeforeAllCallback, AfterAllCallback {
  private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(30);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Path binary;
  private Path dataDir;
  private int[] ports;
  private Process process;
  private Path log;
  private int starts;
  private final ObjectMapper json = new ObjectMapper();

  /** The address the agent binds and serves HTTP on (127.0.0.1 unless {@link #startIn} said otherwise). */
  private String host = "127.0.0.1";
  /** Prepended to the agent's command line, e.g. {@code ip netns exec NS}; empty by default. */
  private List<String> launchPrefix = List.of();

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    setUp(context.getDisplayName());
  }

  /**
   * For a test that starts the agent itself, later than class set-up: binds {@code host} and runs
   * behind {@code prefix} (for a network namespace: {@code ip netns exec NS}); {@code host} must be
   * reachable from this JVM, which polls the HTTP API. Stop it with {@link #shutDown()}.
   */
  public void startIn(String host, List<String> prefix) throws Exception {
    this.host = host;
    this.launchPrefix = List.copyOf(prefix);
    setUp("Consul in " + String.join(" ", prefix));
  }

  /** Stops the agent started by {@link #startIn} and deletes its directory. */
  public void shutDown() {
    afterAll(null);
  }

  private void setUp(String who) throws Exception {
    Optional<Path> found = findBinary();
    if (found.isEmpty()) {
      String reason = "consul binary not found (looked at -Dbaton.consul.bin, $BATON_CONSUL_BIN, .tools/bin/consul"
          + " upwards from " + Path.of("").toAbsolutePath() + ", and the PATH); run scripts/install-tools.sh";
      System.out.println("SKIPPED " + who + ": " + reason);
      Assumptions.abort(reason);
    }
    binary = found.get();
    dataDir = Files.createTempDirectory("baton-consul-test");
    log = dataDir.resolve("agent.log");
    ports = freePorts(5);
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
    if (dataDir != null) {
      deleteTree(dataDir);
    }
  }

  /** {@code host:port} of the agent's HTTP API (127.0.0.1 by default). */
  public String address() {
    return host + ":" + ports[0];
  }

  /** Settings pointing at this agent, with short timings for tests. */
  public ConsulSettings.Builder settings() {
    return ConsulSettings.builder()
        .address(address())
        .callTimeout(Duration.ofSeconds(2))
        .checkInterval(Duration.ofMillis(300))
        .checkTimeout(Duration.ofMillis(300))
        .antiEntropyInterval(Duration.ofMillis(300))
        .watchWait(Duration.ofSeconds(2))
        .initialBackoff(Duration.ofMillis(50))
        .maxBackoff(Duration.ofMillis(500));
  }

  /**
   * Starts the agent (again, on the same ports) with a fresh data dir and waits for its leader. A
   * fresh data dir makes a restart lose every service, as an agent on a new node or disk would (an
   * agent that keeps its data dir loads its persisted services back by itself).
   */
  public void start() {
    starts++;
    List<String> command = new ArrayList<>(List.of(
        binary.toString(), "agent", "-dev", "-node", "baton-test",
        "-bind", host, "-client", host,
        "-http-port", Integer.toString(ports[0]), "-grpc-port", Integer.toString(ports[1]),
        "-serf-lan-port", Integer.toString(ports[2]), "-serf-wan-port", Integer.toString(ports[3]),
        "-server-port", Integer.toString(ports[4]), "-dns-port", "-1",
        "-hcl", "ports { grpc_tls = -1 }",
        // Sessions as short as 1 s, so a leader whose renewals stop loses its lock within seconds.
        "-hcl", "session_ttl_min = \"1s\"",
        "-data-dir", dataDir.resolve("data-" + starts).toString(), "-log-level", "info"));
    try {
      command.addAll(0, launchPrefix);
      process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + binary, e);
    }
    await("consul leader at " + address() + " (log: " + log + ")")
        .atMost(LEADER_TIMEOUT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("consul exited with " + process.exitValue() + "; log: " + Files.readString(log));
          }
          return get("/v1/status/leader").map(body -> body.contains(":")).orElse(false);
        });
  }

  /** SIGTERM, then SIGKILL after 5 s. */
  public void stop() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the agent and starts a fresh one on the same ports: every service and index is gone. */
  public void restart() {
    stop();
    start();
  }

  /** GET on the agent's HTTP API; empty when it does not answer 200. */
  public Optional<String> get(String path) {
    return call(HttpRequest.newBuilder(uri(path)).GET());
  }

  /** PUT with an empty body (e.g. {@code /v1/agent/service/deregister/ID}). */
  public Optional<String> put(String path) {
    return call(HttpRequest.newBuilder(uri(path)).PUT(HttpRequest.BodyPublishers.noBody()));
  }

  /** GET of a JSON array (e.g. {@code /v1/health/checks/SERVICE}); empty list when it does not answer. */
  public List<Map<String, Object>> getList(String path) {
    return get(path).map(body -> {
      try {
        return json.readValue(body, new TypeReference<List<Map<String, Object>>>() { });
      } catch (IOException e) {
        throw new UncheckedIOException("not a JSON array from " + path + ": " + body, e);
      }
    }).orElse(List.of());
  }

  /** CheckID -> Status of a service's checks. */
  public Map<String, String> checkStatuses(String service) {
    Map<String, String> statuses = new java.util.TreeMap<>();
    for (Map<String, Object> check : getList("/v1/health/checks/" + service)) {
      statuses.put((String) check.get("CheckID"), check.get("Type") + ":" + check.get("Status"));
    }
    return statuses;
  }

  private Optional<String> call(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          http.send(request.timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private URI uri(String path) {
    return URI.create("http://" + address() + path);
  }

  static Optional<Path> findBinary() {
    String property = System.getProperty("baton.consul.bin");
    if (property != null && Files.isExecutable(Path.of(property))) {
      return Optional.of(Path.of(property));
    }
    String env = System.getenv("BATON_CONSUL_BIN");
    if (env != null && Files.isExecutable(Path.of(env))) {
      return Optional.of(Path.of(env));
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(".tools/bin/consul");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        Path candidate = Path.of(dir, "consul");
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private static int[] freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
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
