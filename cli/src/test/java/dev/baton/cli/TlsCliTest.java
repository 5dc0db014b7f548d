package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.runtime.security.OpenAccess;
import dev.baton.runtime.security.tls.Certificates;
import dev.baton.runtime.security.tls.TlsFiles;
import dev.baton.runtime.security.tls.TlsMaterial;
import dev.baton.runtime.server.GrpcServer;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code baton certs} and the TLS flags of the servers and of the commands that dial a master. */
class TlsCliTest {
  @TempDir Path dir;

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Baton.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new Run(cl.execute(args), out.toString(), err.toString());
  }

  private Path pki() {
    Path ca = dir.resolve("ca");
    assertThat(run("certs", "init", "--dir", ca.toString()).exitCode()).isZero();
    assertThat(run("certs", "issue", "--dir", ca.toString(), "--identity", "spiffe://baton/master",
        "--out", ca.resolve("master").toString()).exitCode()).isZero();
    assertThat(run("certs", "issue", "--dir", ca.toString(), "--identity", "spiffe://baton/user/alice",
        "--dns", "localhost", "--ip", "127.0.0.1", "--days", "2", "--out", ca.resolve("alice").toString()).exitCode())
        .isZero();
    return ca;
  }

  @Test
  void certsInitAndIssueWriteACaAndCertificatesNamingTheIdentity() throws Exception {
    Path ca = pki();

    assertThat(ca.resolve("ca.pem")).exists();
    assertThat(Files.getPosixFilePermissions(ca.resolve("ca-key.pem"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(ca.resolve("alice-key.pem"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    X509Certificate alice;
    try (InputStream in = Files.newInputStream(ca.resolve("alice.pem"))) {
      alice = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    assertThat(Certificates.uriSans(alice)).containsExactly("spiffe://baton/user/alice");
    assertThat(alice.getNotAfter().getTime() - alice.getNotBefore().getTime()).isEqualTo(2 * 86_400_000L);
    // both ends of a connection load what was issued
    TlsMaterial.load(TlsFiles.of(ca.resolve("alice.pem"), ca.resolve("alice-key.pem"), ca.resolve("ca.pem"))).close();
  }

  @Test
  void certsInitRefusesADirectoryWithACaAndIssueNeedsOne() {
    Path ca = pki();

    Run again = run("certs", "init", "--dir", ca.toString());
    assertThat(again.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(again.err().lines()).singleElement().asString().contains("ca.pem already exists");
    Run noCa = run("certs", "issue", "--dir", dir.resolve("none").toString(), "--identity", "spiffe://baton/master",
        "--out", dir.resolve("x").toString());
    assertThat(noCa.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(noCa.err().lines()).singleElement().asString().contains("ca.pem: no such file");
    Run badIdentity = run("certs", "issue", "--dir", ca.toString(), "--identity", "backend", "--out", dir.resolve("x").toString());
    assertThat(badIdentity.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(badIdentity.err()).contains("identity: 'backend'");
  }

  @Test
  void statusReachesATlsMasterWithTheCaBundleAndFailsWithoutIt() throws Exception {
    Path ca = pki();
    try (FakeMaster fake = new FakeMaster();
        TlsMaterial material = TlsMaterial.load(TlsFiles.of(ca.resolve("master.pem"), ca.resolve("master-key.pem"),
            ca.resolve("ca.pem")));
        GrpcServer server = GrpcServer.start("127.0.0.1", 0, List.of(fake), List.of(),
            material.serverSecurity(List.of(OpenAccess.INSTANCE)))) {
      Run tls = run("status", FakeMaster.PLAN, "--master", server.address(), "--retry-for", "0",
          "--tls-ca", ca.resolve("ca.pem").toString(), "--tls-cert", ca.resolve("alice.pem").toString(),
          "--tls-key", ca.resolve("alice-key.pem").toString());
      assertThat(tls.exitCode()).as(tls.err()).isZero();
      Run caOnly = run("status", FakeMaster.PLAN, "--master", server.address(), "--retry-for", "0",
          "--tls-ca", ca.resolve("ca.pem").toString());
      assertThat(caOnly.exitCode()).as(caOnly.err()).isZero();

      Run plaintext = run("status", FakeMaster.PLAN, "--master", server.address(), "--retry-for", "0");
      assertThat(plaintext.exitCode()).isEqualTo(ExitCodes.MASTER_UNREACHABLE);
    }
  }

  @Test
  void badTlsFilesExitTwoWithOneLineNamingTheFile() {
    Path ca = pki();
    Path missing = dir.resolve("missing.pem");

    Run noFile = run("status", "p", "--tls-ca", missing.toString());
    assertThat(noFile.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(noFile.err().lines()).singleElement().asString().contains(missing.toString(), "no such file");
    Run keyAsCert = run("list", "--tls-ca", ca.resolve("ca.pem").toString(),
        "--tls-cert", ca.resolve("alice.pem").toString(), "--tls-key", ca.resolve("alice.pem").toString());
    assertThat(keyAsCert.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(keyAsCert.err().lines()).singleElement().asString().contains("alice.pem", "not a private key");
    Run certWithoutCa = run("list", "--tls-cert", ca.resolve("alice.pem").toString(),
        "--tls-key", ca.resolve("alice-key.pem").toString());
    assertThat(certWithoutCa.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(certWithoutCa.err()).contains("without --tls-ca");
  }

  @Test
  void serversRefusePlaintextOffLoopbackAndHalfTheTlsFlags() {
    Run wildcard = run("master", "--host", "0.0.0.0", "--port", "0", "--git-port", "-1");
    assertThat(wildcard.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(wildcard.err().lines()).singleElement().asString()
        .contains("0.0.0.0", "--tls-cert, --tls-key and --tls-ca", "--insecure");

    Path ca = pki();
    Run half = run("orchestrator", "--domain", "backend", "--tls-cert", ca.resolve("master.pem").toString());
    assertThat(half.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(half.err().lines()).singleElement().asString().contains("missing: --tls-key, --tls-ca");
    Run both = run("master", "--insecure", "--tls-cert", ca.resolve("master.pem").toString(),
        "--tls-key", ca.resolve("master-key.pem").toString(), "--tls-ca", ca.resolve("ca.pem").toString());
    assertThat(both.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(both.err()).contains("--insecure with --tls-cert");
  }
}
