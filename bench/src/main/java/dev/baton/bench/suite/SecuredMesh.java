package dev.baton.bench.suite;

import dev.baton.runtime.security.Security;
import dev.baton.runtime.security.auth.AuthSettings;
import dev.baton.runtime.security.tls.CertificateAuthority;
import dev.baton.runtime.security.tls.CertificateRequest;
import dev.baton.runtime.security.tls.TlsMaterial;
import java.nio.file.Path;

/**
 * Figure 10's secured side: a CA in a temporary directory, a certificate per server (the master's
 * identity, each domain's orchestrator identity) and the access table on every server, as
 * {@code baton up} runs a mesh.
 */
final class SecuredMesh {
  private SecuredMesh() {}

  static Mesh.Securities mutualTls(Path dir) {
    CertificateAuthority ca = CertificateAuthority.create(dir, AuthSettings.DEFAULT_TRUST_DOMAIN);
    return new Mesh.Securities() {
      @Override
      public Security master() {
        return secured("master", "spiffe://baton/master");
      }

      @Override
      public Security orchestrator(String domain) {
        return secured(domain, "spiffe://baton/orchestrator/" + domain);
      }

      private Security secured(String name, String identity) {
        TlsMaterial material = TlsMaterial.load(ca.issue(CertificateRequest.forIdentity(identity), dir.resolve(name)));
        return new Security(material.serverSecurity(AuthSettings.defaults().interceptors()), material.clientSecurity(null));
      }
    };
  }
}
