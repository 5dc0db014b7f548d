package dev.baton.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.baton.runtime.security.tls.CertificateAuthority;
import dev.baton.runtime.security.tls.CertificateRequest;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mesh as Kubernetes runs it: every process its own container on a bridge network with its own
 * address (like a pod IP), listening on that address with mutual TLS (certificates as {@code baton certs} makes them), the
 * callers file giving the submitting client its role, and the plan submitted from another container.
 * Addresses are fixed on a network made for the test (a random 10.89.x.0/24), so certificates can
 * name them.
 */
class TlsBridgeMeshIT {
  static final List<String> DOMAINS = List.of("frontend", "backend", "devops", "testing");

  static ImageFixture fixture;

  @BeforeAll
  static void loadImage() {
    fixture = ImageFixture.load();
  }

  @AfterAll
  static void cleanUp() {
    if (fixture != null) {
      fixture.podman.close();
    }
  }

  @Test
  void ecommercePlanSucceedsOverMutualTlsBetweenContainers(@TempDir Path temp) throws Exception {
    long started = System.nanoTime();
    String network = fixture.podman.network("mesh");
    String subnet = fixture.podman.ok("network", "inspect", "-f", "{{range .Subnets}}{{.Subnet}}{{end}}", network)
        .stdout().strip();
    String prefix = subnet.substring(0, subnet.lastIndexOf('.') + 1); // "10.89.x."
    String masterIp = prefix + "10";

    // The PKI, made in this JVM with the CLI's own code (`baton certs` in seven containers costs half a
    // minute on a loaded machine); the keys are made readable to user 10001, which only a test may do.
    Path pki = Files.createDirectories(temp.resolve("pki"));
    CertificateAuthority ca = CertificateAuthority.create(pki, "baton");
    ca.issue(CertificateRequest.forIdentity("spiffe://baton/master").withIps(List.of(masterIp)), pki.resolve("master"));
    for (int i = 0; i < DOMAINS.size(); i++) {
      String domain = DOMAINS.get(i);
      ca.issue(CertificateRequest.forIdentity("spiffe://baton/orchestrator/" + domain)
          .withIps(List.of(prefix + (11 + i))), pki.resolve(domain));
    }
    ca.issue(CertificateRequest.forIdentity("spiffe://baton/user/it"), pki.resolve("user"));
    Files.writeString(pki.resolve("callers.yaml"), """
        callers:
          - subject: spiffe://baton/user/it
            roles: [submitter]
            certificate: true
        """);
    Files.delete(pki.resolve(CertificateAuthority.CA_KEY));
    try (var files = Files.list(pki)) {
      for (Path file : files.toList()) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      }
    }
    Files.setPosixFilePermissions(pki, PosixFilePermissions.fromString("rwxr-xr-x"));

    phase("PKI made", started);
    String master = fixture.podman.container("tls-master");
    fixture.podman.ok(runArgs(master, network, masterIp, pki, "master", "--host=" + masterIp, "--port=7233",
        "--git-port=7234", "--tls-cert=/pki/master.pem", "--tls-key=/pki/master-key.pem", "--tls-ca=/pki/ca.pem",
        "--tokens=/pki/callers.yaml"));
    assertThat(fixture.awaitReady(master)).contains("role=master", "address=" + masterIp + ":7233");

    List<String> orchestrators = new ArrayList<>();
    for (int i = 0; i < DOMAINS.size(); i++) {
      String domain = DOMAINS.get(i);
      String ip = prefix + (11 + i);
      String name = fixture.podman.container("tls-" + domain);
      orchestrators.add(name);
      fixture.podman.ok(runArgs(name, network, ip, pki, "orchestrator", "--domain=" + domain, "--host=" + ip,
          "--port=7300", "--master=" + masterIp + ":7233", "--tls-cert=/pki/" + domain + ".pem",
          "--tls-key=/pki/" + domain + "-key.pem", "--tls-ca=/pki/ca.pem", "--tokens=/pki/callers.yaml"));
    }
    for (String name : orchestrators) {
      assertThat(fixture.awaitReady(name)).startsWith("BATON_READY role=orchestrator");
    }

    phase("all BATON_READY", started);
    // A sub-orchestrator's health turns SERVING once the master has answered its registration.
    List<String> tls = List.of("-cacert", pki.resolve("ca.pem").toString(), "-cert", pki.resolve("user.pem").toString(),
        "-key", pki.resolve("user-key.pem").toString());
    for (int i = 0; i < DOMAINS.size(); i++) {
      ImageFixture.awaitServing(prefix + (11 + i) + ":7300", "", tls);
    }

    phase("all registered", started);
    // Submitted from a client container on the same network, as the submitter of the callers file.
    Podman.Result submit = fixture.podman.run(Duration.ofMinutes(3), "run", "--rm", "--network", network,
        "-v", pki + ":/pki:ro", "-v", ImageFixture.repoRoot().resolve("examples") + ":/plans:ro", fixture.image,
        "submit", "/plans/ecommerce.yaml", "--wait", "--output", "json", "--time-scale", "0.001",
        "--master", masterIp + ":7233", "--tls-cert=/pki/user.pem", "--tls-key=/pki/user-key.pem",
        "--tls-ca=/pki/ca.pem");

    phase("plan finished", started);
    assertThat(submit.exitCode()).as(submit.toString()).isZero();
    PlanStatus.Builder status = PlanStatus.newBuilder();
    JsonFormat.parser().ignoringUnknownFields().merge(submit.stdout(), status);
    assertThat(status.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(status.getTasksList()).hasSizeGreaterThan(4)
        .allSatisfy(task -> assertThat(task.getState()).as(task.getId()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED));
    assertThat(status.getSubmittedBy().getSubject()).isEqualTo("spiffe://baton/user/it");
  }

  private static void phase(String what, long started) {
    System.out.printf("TLS bridge mesh: %s after %d ms%n", what, (System.nanoTime() - started) / 1_000_000);
  }

  private static String[] runArgs(String name, String network, String ip, Path pki, String... batonArgs) {
    List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", network, "--ip", ip,
        "-v", pki + ":/pki:ro", "--read-only", "--read-only-tmpfs=false",
        "--tmpfs", "/tmp:rw,size=256m,mode=1777", "--tmpfs", "/var/lib/baton:rw,size=64m,mode=1777",
        "--cap-drop=ALL", "--security-opt=no-new-privileges", fixture.image));
    args.addAll(List.of(batonArgs));
    return args.toArray(String[]::new);
  }
}
