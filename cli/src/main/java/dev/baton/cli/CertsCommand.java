package dev.baton.cli;

import dev.baton.runtime.security.tls.CertificateAuthority;
import dev.baton.runtime.security.tls.CertificateRequest;
import dev.baton.runtime.security.tls.TlsFiles;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code baton certs init|issue}: a development CA and certificates for a mesh run by hand. Production
 * meshes take certificates from their own CA (cert-manager, Vault, SPIRE) in the same PEM layout.
 */
@Command(name = "certs", mixinStandardHelpOptions = true,
    description = "Makes a development CA (init) and issues certificates from it (issue); see docs/security.md.",
    subcommands = {CertsCommand.Init.class, CertsCommand.Issue.class})
final class CertsCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.INVALID_INPUT;
  }

  /** {@code baton certs init --dir D}: {@code D/ca.pem} and {@code D/ca-key.pem}. */
  @Command(name = "init", mixinStandardHelpOptions = true,
      description = "Creates a CA (EC P-256, valid 10 years) in DIR: ca.pem (give it to every process as --tls-ca)"
          + " and ca-key.pem (mode 0600; keep it off the servers).")
  static final class Init implements Callable<Integer> {
    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Where the CA goes (created if absent).")
    Path dir;

    @Option(names = "--trust-domain", defaultValue = "baton", paramLabel = "NAME",
        description = "The trust domain: the host part of the identities, spiffe://NAME/... (default: ${DEFAULT-VALUE}).")
    String trustDomain;

    PrintStream out = System.out;

    @Override
    public Integer call() {
      CertificateAuthority ca;
      try {
        ca = CertificateAuthority.create(dir, trustDomain);
      } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
        throw CliException.invalidInput(e.getMessage());
      }
      out.println("CA created: " + ca.certificateFile() + " (private key: " + dir.resolve(CertificateAuthority.CA_KEY) + ")");
      out.println("issue certificates with: baton certs issue --dir " + dir + " --identity spiffe://" + trustDomain
          + "/orchestrator/backend --out " + dir.resolve("backend"));
      return ExitCodes.OK;
    }
  }

  /** {@code baton certs issue --dir D --identity URI --out PREFIX}: {@code PREFIX.pem} and {@code PREFIX-key.pem}. */
  @Command(name = "issue", mixinStandardHelpOptions = true,
      description = {"Issues a certificate from the CA in DIR for one identity (a URI SAN), usable as server and client",
          "certificate: PREFIX.pem (--tls-cert) and PREFIX-key.pem (--tls-key, mode 0600).",
          "Identities: spiffe://baton/master, spiffe://baton/orchestrator/<domain>, spiffe://baton/user/<name>."})
  static final class Issue implements Callable<Integer> {
    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The CA's directory (baton certs init).")
    Path dir;

    @Option(names = "--identity", required = true, paramLabel = "URI",
        description = "Who the certificate names, e.g. spiffe://baton/orchestrator/backend.")
    String identity;

    @Option(names = "--dns", paramLabel = "NAME", split = ",",
        description = "DNS names the holder serves under (repeatable or comma-separated; default: localhost).")
    List<String> dns = new ArrayList<>();

    @Option(names = "--ip", paramLabel = "ADDRESS", split = ",",
        description = "IP addresses the holder serves under (repeatable or comma-separated; default: 127.0.0.1 and ::1).")
    List<String> ips = new ArrayList<>();

    @Option(names = "--days", defaultValue = "365", paramLabel = "N",
        description = "Days the certificate is valid, 1 to 3650 (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--out", required = true, paramLabel = "PREFIX",
        description = "Writes PREFIX.pem and PREFIX-key.pem (replaced if present).")
    Path out;

    PrintStream stdout = System.out;

    @Override
    public Integer call() {
      if (days < 1 || days > 3650) {
        throw CliException.invalidInput("--days: " + days + " (expected: 1 to 3650)");
      }
      TlsFiles files;
      try {
        CertificateAuthority ca = CertificateAuthority.load(dir);
        CertificateRequest request = CertificateRequest.forIdentity(identity);
        if (!dns.isEmpty()) {
          request = request.withDns(dns);
        }
        if (!ips.isEmpty()) {
          request = request.withIps(ips);
        }
        request = request.validFor(Duration.ofDays(days), Instant.now());
        files = ca.issue(request, out);
      } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
        throw CliException.invalidInput(e.getMessage());
      }
      stdout.println("issued " + identity + ": --tls-cert " + files.certChain() + " --tls-key " + files.privateKey()
          + " --tls-ca " + files.caBundle());
      return ExitCodes.OK;
    }
  }
}
