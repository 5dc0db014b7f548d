package dev.baton.runtime.security.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.baton.runtime.security.Principal;
import dev.baton.runtime.security.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens: JWTs against a JWKS file, static tokens of a callers file, and what the authenticator makes of them. */
class TokensTest {
  @TempDir Path dir;
  private ECKey key;
  private ECKey otherKey;
  private JwtVerifier verifier;

  @BeforeEach
  void keys() throws Exception {
    key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    otherKey = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString());
    verifier = JwtVerifier.load(new JwtVerifier.Settings(jwks, "https://idp.example", "baton", null));
  }

  private String jwt(ECKey signer, String issuer, String audience, Instant expiry, Object roles) throws Exception {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject("alice").issuer(issuer).audience(audience)
        .expirationTime(Date.from(expiry));
    if (roles != null) {
      claims.claim("roles", roles);
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(), claims.build());
    jwt.sign(new ECDSASigner(signer));
    return jwt.serialize();
  }

  @Test
  void aValidJwtGivesItsSubjectAndKnownRoles() throws Exception {
    JwtVerifier.Verified v = verifier.verify(jwt(key, "https://idp.example", "baton", Instant.now().plusSeconds(60),
        List.of("submitter", "no-such-role")));
    assertThat(v.subject()).isEqualTo("alice");
    assertThat(v.roles()).containsExactly(Role.SUBMITTER);
    assertThat(verifier.verify(jwt(key, "https://idp.example", "baton", Instant.now().plusSeconds(60), "viewer admin"))
        .roles()).containsExactlyInAnyOrder(Role.VIEWER, Role.ADMIN);
  }

  @Test
  void aPemPublicKeyVerifiesTooAndABadPemIsNamed() throws Exception {
    Path pem = dir.resolve("key.pem");
    Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes())
        .encodeToString(key.toECPublicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
    JwtVerifier fromPem = JwtVerifier.load(new JwtVerifier.Settings(null, List.of(pem), null, null, null));
    assertThat(fromPem.verify(jwt(key, "any", "any", Instant.now().plusSeconds(60), List.of("admin"))).roles())
        .containsExactly(Role.ADMIN);
    assertThatThrownBy(() -> fromPem.verify(jwt(otherKey, "any", "any", Instant.now().plusSeconds(60), null)))
        .hasMessageContaining("signature");
    Path bad = dir.resolve("bad.pem");
    Files.writeString(bad, "not a key");
    assertThatThrownBy(() -> JwtVerifier.load(new JwtVerifier.Settings(null, List.of(bad), null, null, null)))
        .hasMessageContaining("bad.pem: not a PEM public key");
  }

  @Test
  void expiredWrongIssuerWrongAudienceAndWrongKeyAreRefused() throws Exception {
    Instant later = Instant.now().plusSeconds(60);
    assertThatThrownBy(() -> verifier.verify(jwt(key, "https://idp.example", "baton", Instant.now().minusSeconds(600), null)))
        .hasMessageContaining("Expired");
    assertThatThrownBy(() -> verifier.verify(jwt(key, "https://evil.example", "baton", later, null)))
        .hasMessageContaining("iss");
    assertThatThrownBy(() -> verifier.verify(jwt(key, "https://idp.example", "other", later, null)))
        .hasMessageContaining("aud");
    assertThatThrownBy(() -> verifier.verify(jwt(otherKey, "https://idp.example", "baton", later, null)))
        .hasMessageContaining("signature");
  }

  @Test
  void theAuthenticatorTakesStaticTokensAndJwtsAndRefusesTheRest() throws Exception {
    Path callers = dir.resolve("callers.yaml");
    Callers.write(callers, List.of(new Object[] {"bob", "admin", "s3cret-token"},
        new Object[] {"spiffe://baton/user/ops", "viewer", null}));
    assertThat(Files.readString(callers)).doesNotContain("s3cret-token").contains(Callers.sha256("s3cret-token"));
    Authenticator auth = new Authenticator("baton", Callers.read(callers), verifier);

    Principal bob = auth.authenticate("Bearer s3cret-token", null);
    assertThat(bob.subject()).isEqualTo("bob");
    assertThat(bob.roles()).containsExactly(Role.ADMIN);
    assertThat(bob.source()).isEqualTo(Principal.Source.TOKEN);
    Principal alice = auth.authenticate("Bearer " + jwt(key, "https://idp.example", "baton",
        Instant.now().plusSeconds(60), List.of("viewer")), null);
    assertThat(alice.subject()).isEqualTo("alice");
    assertThat(alice.roles()).isEqualTo(Set.of(Role.VIEWER));
    assertThat(auth.authenticate(null, null)).isEqualTo(Principal.ANONYMOUS);
    assertThatThrownBy(() -> auth.authenticate("Bearer guessed", null)).hasMessageContaining("not one this server knows");
    assertThatThrownBy(() -> auth.authenticate("Basic Ym9iOnB3", null)).hasMessageContaining("not 'Bearer <token>'");
    assertThatThrownBy(() -> auth.authenticate("Bearer " + jwt(otherKey, "https://idp.example", "baton",
        Instant.now().plusSeconds(60), List.of("admin")), null)).hasMessageContaining("refused");
  }

  @Test
  void aBadCallersFileIsRefusedNamingTheEntry() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "callers:\n  - subject: eve\n    roles: [root]\n    token_sha256: " + "a".repeat(64) + "\n");
    assertThatThrownBy(() -> Callers.read(bad)).hasMessageContaining("callers[0]: roles: unknown role 'root'");
    Files.writeString(bad, "callers:\n  - subject: eve\n    roles: [admin]\n    token_sha256: abc\n");
    assertThatThrownBy(() -> Callers.read(bad)).hasMessageContaining("token_sha256: expected 64 hex digits");
    Files.writeString(bad, "callers:\n  - subject: eve\n    roles: [admin]\n");
    assertThatThrownBy(() -> Callers.read(bad)).hasMessageContaining("expected token_sha256");
    Files.writeString(bad, "tokens: []\n");
    assertThatThrownBy(() -> Callers.read(bad)).hasMessageContaining("expected a map with a 'callers' list");
  }

  @Test
  void accessRulesNestPeoplesRolesAndRefuseUnknownMethods() {
    assertThat(AccessRules.effective(Set.of(Role.ADMIN))).contains(Role.SUBMITTER, Role.VIEWER).doesNotContain(Role.MASTER);
    assertThat(AccessControl.decide("baton.v1.Master/SubmitPlan",
        new Principal("v", Set.of(Role.VIEWER), "", Principal.Source.TOKEN)).getDescription())
        .isEqualTo("baton.v1.Master/SubmitPlan needs role submitter; v has viewer");
    assertThat(AccessControl.decide("baton.v1.Master/NewRpc", Principal.OPEN).getDescription())
        .contains("has no access rule");
    assertThat(AccessControl.decide("grpc.health.v1.Health/Check", Principal.ANONYMOUS)).isNull();
  }
}
