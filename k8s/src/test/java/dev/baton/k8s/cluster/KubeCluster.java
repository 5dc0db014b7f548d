package dev.baton.k8s.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kubernetes control plane for a test class, with fake nodes: register it as a static
 * {@code @RegisterExtension} field. Before the class it starts, from .tools/bin (built by
 * scripts/tools/kube-apiserver.sh):
 * <ol>
 *   <li>etcd 3.6 (data dir in the run directory, loopback, ephemeral ports, no fsync: a test cluster);
 *   <li>kube-apiserver 1.34.4: serving certificate from a CA made here with openssl, an admin bearer
 *       token in group {@code system:masters}, authorization {@code RBAC,Node}, a service-account
 *       signing key made here; it binds 127.0.0.1 but advertises 192.0.2.2 (TEST-NET-1: the API server
 *       refuses a loopback advertise address, and nothing is ever sent there);
 *   <li>kube-controller-manager (Deployments make ReplicaSets make Pods; PDB status; PV binding; the
 *       HorizontalPodAutoscaler controller every 2 s: with no metrics API here it only holds each
 *       target within minReplicas..maxReplicas, which is what the ha overlay relies on) and
 *       kube-scheduler (kwok does not schedule), both without leader election and without serving;
 *   <li>kwok 0.8 with its own "fast" stages (k8s/src/test/resources/kwok/stages.yaml): it keeps the
 *       nodes annotated {@code kwok.x-k8s.io/node=fake} Ready and takes the pods bound to them to
 *       Running and Ready at once; no container runs.
 * </ol>
 * then creates {@link #NODES} such nodes, one per zone, and waits (polling, with deadlines) for
 * {@code /readyz} and for every node to be Ready. After the class it stops everything (SIGTERM, then
 * SIGKILL after 10 s), also when a test failed, and deletes etcd's data; logs, the kubeconfig and
 * the rendered manifests stay under {@code k8s/target/kube-runs/<time>-<pid>/}. Ports are taken free
 * from the OS just before each process binds them (a small race with other processes on the host).
 *
 * <p>Threads: JUnit's thread starts and stops the processes; a JVM shutdown hook kills them if the
 * run is cut short. Tests use {@link #kubectl()} from any thread.
 *
 * <p>Missing tools fail the class with the command that builds them; only a machine without Go (where
 * they cannot be built) skips it, with that reason.
 */
public final class KubeCluster implements BeforeAllCallback, AfterAllCallback {
  /** Fake nodes: kwok-node-0..2 in zones zone-a..c (enough to check a spread over nodes). */
  public static final int NODES = 3;
  /** The address the API server advertises: TEST-NET-1, never loopback, never routed. */
  public static final String ADVERTISE_ADDRESS = "192.0.2.2";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final String ADMIN_TOKEN = UUID.randomUUID().toString();

  private final List<Process> processes = new ArrayList<>();
  private Path tools;
  private Path runDir;
  private Kubectl kubectl;
  private Thread shutdownHook;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    tools = Path.of(System.getProperty("baton.tools.dir",
        Path.of(System.getProperty("baton.repo.root", ".."), ".tools", "bin").toString()));
    checkTools(context);
    Path target = Path.of(System.getProperty("baton.k8s.target", "target")).toAbsolutePath();
    runDir = target.resolve("kube-runs").resolve(
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + ProcessHandle.current().pid());
    Files.createDirectories(runDir.resolve("scratch"));
    shutdownHook = new Thread(this::killAll, "kube-cluster-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    long started = System.nanoTime();
    try {
      start();
    } catch (Throwable t) {
      afterAll(context);
      throw t;
    }
    System.out.printf("KubeCluster: control plane and %d kwok nodes ready in %.1f s (logs: %s)%n",
        NODES, (System.nanoTime() - started) / 1e9, runDir);
  }

  private void checkTools(ExtensionContext context) {
    List<String> missing = new ArrayList<>();
    for (String tool : List.of("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl", "kwok")) {
      if (!Files.isExecutable(tools.resolve(tool))) {
        missing.add(tool);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    if (!onPath("go") && !Files.isExecutable(Path.of("/usr/local/go/bin/go"))) {
      String reason = "no " + String.join(", ", missing) + " in " + tools + " and no Go to build them;"
          + " install Go 1.26+ and run scripts/tools/kube-apiserver.sh";
      System.out.println("SKIPPED " + context.getDisplayName() + ": " + reason);
      Assumptions.abort(reason);
    }
    throw new IllegalStateException("missing " + String.join(", ", missing) + " in " + tools
        + ": run scripts/tools/kube-apiserver.sh (or the k8s module's build, which calls it)");
  }

  private static boolean onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return true;
      }
    }
    return false;
  }

  private void start() throws Exception {
    Path pki = Files.createDirectories(runDir.resolve("pki"));
    makePki(pki);
    int etcdClient = freePort();
    int etcdPeer = freePort();
    int apiPort = freePort();

    String etcdUrl = "http://127.0.0.1:" + etcdClient;
    spawn("etcd", tools.resolve("etcd").toString(),
        "--name=baton-test", "--data-dir=" + runDir.resolve("etcd-data"),
        "--listen-client-urls=" + etcdUrl, "--advertise-client-urls=" + etcdUrl,
        "--listen-peer-urls=http://127.0.0.1:" + etcdPeer,
        "--initial-advertise-peer-urls=http://127.0.0.1:" + etcdPeer,
        "--initial-cluster=baton-test=http://127.0.0.1:" + etcdPeer,
        "--unsafe-no-fsync", "--log-level=warn");

    Files.writeString(pki.resolve("tokens.csv"), ADMIN_TOKEN + ",baton-admin,baton-admin,system:masters\n");
    spawn("kube-apiserver", tools.resolve("kube-apiserver").toString(),
        "--etcd-servers=" + etcdUrl,
        "--bind-address=127.0.0.1", "--secure-port=" + apiPort, "--advertise-address=" + ADVERTISE_ADDRESS,
        "--tls-cert-file=" + pki.resolve("apiserver.crt"), "--tls-private-key-file=" + pki.resolve("apiserver.key"),
        "--client-ca-file=" + pki.resolve("ca.crt"),
        "--token-auth-file=" + pki.resolve("tokens.csv"),
        "--authorization-mode=RBAC,Node",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-account-key-file=" + pki.resolve("sa.pub"),
        "--service-account-signing-key-file=" + pki.resolve("sa.key"),
        "--service-cluster-ip-range=10.96.0.0/16",
        "--cert-dir=" + pki, "--profiling=false", "--v=1");

    Path kubeconfig = runDir.resolve("kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: baton-test
          cluster:
            server: https://127.0.0.1:%d
            certificate-authority: %s
        users:
        - name: baton-admin
          user:
            token: %s
        contexts:
        - name: baton-test
          context: {cluster: baton-test, user: baton-admin}
        current-context: baton-test
        """.formatted(apiPort, pki.resolve("ca.crt"), ADMIN_TOKEN));
    kubectl = new Kubectl(tools.resolve("kubectl"), kubeconfig, runDir.resolve("scratch"));
    poll("kube-apiserver /readyz", START_TIMEOUT, () -> kubectl.run("get", "--raw=/readyz").ok());

    spawn("kube-controller-manager", tools.resolve("kube-controller-manager").toString(),
        "--kubeconfig=" + kubeconfig, "--leader-elect=false", "--secure-port=0",
        "--horizontal-pod-autoscaler-sync-period=2s",
        "--service-account-private-key-file=" + pki.resolve("sa.key"),
        "--root-ca-file=" + pki.resolve("ca.crt"),
        "--cluster-cidr=10.244.0.0/16", "--v=1");
    spawn("kube-scheduler", tools.resolve("kube-scheduler").toString(),
        "--kubeconfig=" + kubeconfig, "--leader-elect=false", "--secure-port=0", "--v=1");
    Path stages = runDir.resolve("kwok-stages.yaml");
    try (var in = KubeCluster.class.getResourceAsStream("/kwok/stages.yaml")) {
      Files.write(stages, in.readAllBytes());
    }
    spawn("kwok", tools.resolve("kwok").toString(),
        "--kubeconfig=" + kubeconfig, "--config=" + stages,
        "--manage-all-nodes=false", "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
        "--cidr=10.244.0.0/16", "--node-ip=" + ADVERTISE_ADDRESS);

    StringBuilder nodes = new StringBuilder();
    for (int i = 0; i < NODES; i++) {
      nodes.append("""
          ---
          apiVersion: v1
          kind: Node
          metadata:
            name: kwok-node-%1$d
            annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
            labels:
              kubernetes.io/hostname: kwok-node-%1$d
              kubernetes.io/os: linux
              kubernetes.io/arch: amd64
              topology.kubernetes.io/zone: zone-%2$c
              type: kwok
          status:
            allocatable: {cpu: "16", memory: 64Gi, ephemeral-storage: 500Gi, pods: "110"}
            capacity: {cpu: "16", memory: 64Gi, ephemeral-storage: 500Gi, pods: "110"}
          """.formatted(i, (char) ('a' + i)));
    }
    kubectl.okWithInput(nodes.toString(), "create", "-f", "-");
    poll("all " + NODES + " kwok nodes Ready", START_TIMEOUT, () -> {
      String ready = kubectl.run("get", "nodes", "-o",
          "jsonpath={range .items[*]}{.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}").out();
      return ready.lines().filter("True"::equals).count() == NODES;
    });
    // Pods need their namespace's "default" ServiceAccount (admission); the controller-manager makes it.
    poll("the default ServiceAccount", START_TIMEOUT, () -> kubectl.run("get", "serviceaccount", "default").ok());
  }

  /** A CA, the API server's serving certificate (127.0.0.1, the advertise address, the in-cluster names), a service-account key pair. */
  private static void makePki(Path pki) throws Exception {
    run(pki, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
        "-days", "2", "-subj", "/CN=baton-test-ca");
    run(pki, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "apiserver.key", "-out", "apiserver.csr",
        "-subj", "/CN=kube-apiserver");
    Files.writeString(pki.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,IP:" + ADVERTISE_ADDRESS + ",IP:10.96.0.1,"
        + "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\n"
        + "extendedKeyUsage=serverAuth\n");
    run(pki, "openssl", "x509", "-req", "-in", "apiserver.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "apiserver.crt", "-days", "2", "-extfile", "san.ext");
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    Files.writeString(pki.resolve("sa.key"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    Files.writeString(pki.resolve("sa.pub"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static void run(Path dir, String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("openssl.log").toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(dir.resolve("openssl.log")));
    }
  }

  private void spawn(String name, String... command) throws IOException {
    Path log = runDir.resolve(name + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    synchronized (processes) {
      processes.add(process);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * Polls {@code condition} every 250 ms until it holds or {@code timeout} passes; then fails naming
   * {@code what}, and the first dead process of the control plane if one died.
   */
  public void poll(String what, Duration timeout, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      if (condition.getAsBoolean()) {
        return;
      }
      synchronized (processes) {
        for (Process p : processes) {
          if (!p.isAlive()) {
            throw new IllegalStateException("a control-plane process exited (" + p.info().command().orElse("?")
                + ", code " + p.exitValue() + ") while waiting for " + what + "; see the logs in " + runDir);
          }
        }
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + diagnose() + " (logs: " + runDir + ")");
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
  }

  /**
   * After a timeout: writes the cluster's state (workloads, pods, claims, volumes, events) to
   * diagnostics-N.txt in the run directory and returns why the pods that are not Ready are not.
   */
  private String diagnose() {
    if (kubectl == null) {
      return "";
    }
    try {
      StringBuilder all = new StringBuilder();
      all.append(kubectl.run("get", "nodes,deployments,statefulsets,replicasets,pods,pvc,pv,pdb,hpa", "-A", "-o", "wide").out());
      all.append(kubectl.run("get", "events", "-A", "--sort-by=.lastTimestamp").out());
      Path file = runDir.resolve("diagnostics-" + System.nanoTime() + ".txt");
      Files.writeString(file, all);
      StringBuilder why = new StringBuilder();
      kubectl.json("get", "pods", "-A").path("items").forEach(pod -> {
        for (var c : pod.path("status").path("conditions")) {
          if (!"True".equals(c.path("status").asText()) && c.has("message") && why.length() < 1500) {
            why.append("\n  ").append(pod.path("metadata").path("namespace").asText()).append('/')
                .append(pod.path("metadata").path("name").asText()).append(' ').append(c.path("type").asText())
                .append(": ").append(c.path("message").asText());
          }
        }
      });
      return why + "\n  (cluster state: " + file + ")";
    } catch (RuntimeException | IOException e) {
      return " (diagnostics failed: " + e + ")";
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    killAll();
    // etcd's data (about 60 MB, mostly its preallocated WAL) is of no use once the cluster is gone.
    if (runDir != null) {
      try (var files = Files.walk(runDir.resolve("etcd-data"))) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | UncheckedIOException e) {
        // absent (start failed early) or already gone
      }
    }
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook runs anyway
      }
    }
  }

  /** Stops in reverse order of start: SIGTERM, then SIGKILL after 10 s. */
  private void killAll() {
    List<Process> reversed;
    synchronized (processes) {
      reversed = new ArrayList<>(processes);
      processes.clear();
    }
    java.util.Collections.reverse(reversed);
    for (Process p : reversed) {
      p.destroy();
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** kubectl bound to this cluster as the admin. */
  public Kubectl kubectl() {
    return kubectl;
  }

  /** This run's directory (logs, kubeconfig, rendered manifests). */
  public Path runDir() {
    return runDir;
  }

  /** .tools/bin. */
  public Path tools() {
    return tools;
  }
}
