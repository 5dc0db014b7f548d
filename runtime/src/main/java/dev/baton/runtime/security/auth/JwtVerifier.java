package dev.baton.runtime.security.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.baton.runtime.security.Role;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies JWT bearer tokens with nimbus-jose-jwt against the keys of a JWKS file (RSA or EC,
 * RS256/ES256 and their larger siblings): signature, expiry and not-before, the issuer and audience
 * when configured, and a subject. Roles come from a claim (default {@code roles}: a list, or a
 * space-separated string as OAuth scopes are); unknown role names are ignored.
 */
public final class JwtVerifier {
  /** The settings: the JWKS file, the expected issuer and audience (null: not checked) and the roles claim. */
  public record Settings(Path jwks, String issuer, String audience, String rolesClaim) {
    public Settings {
      rolesClaim = rolesClaim == null || rolesClaim.isBlank() ? "roles" : rolesClaim;
    }
  }

  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final String rolesClaim;

  private JwtVerifier(JWKSet keys, Settings settings) {
    this.rolesClaim = settings.rolesClaim();
    Set<JWSAlgorithm> algorithms = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
        JWSAlgorithm.PS256, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.EdDSA);
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, new ImmutableJWKSet<>(keys)));
    JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
    if (settings.issuer() != null) {
      exact.issuer(settings.issuer());
    }
    processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(settings.audience(), exact.build(),
        Set.of("sub", "exp")));
  }

  /**
   * Loads the JWKS file.
   *
   * @throws IllegalArgumentException naming the file and the problem
   */
  public static JwtVerifier load(Settings settings) {
    try {
      return new JwtVerifier(JWKSet.load(settings.jwks().toFile()), settings);
    } catch (java.io.IOException | java.text.ParseException e) {
      throw new IllegalArgumentException(settings.jwks() + ": not a JWKS file (" + e.getMessage()
          + "; expected: {\"keys\": [...]} of public keys)", e);
    }
  }

  /** A verified token's subject and roles. */
  public record Verified(String subject, Set<Role> roles) {}

  /**
   * Verifies {@code token}.
   *
   * @throws IllegalArgumentException saying why it is refused (bad signature, expired, wrong issuer...)
   */
  public Verified verify(String token) {
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (java.text.ParseException | com.nimbusds.jose.proc.BadJOSEException | com.nimbusds.jose.JOSEException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    Object claim = claims.getClaim(rolesClaim);
    List<?> names = claim instanceof List<?> l ? l : claim instanceof String s ? List.of(s.split(" ")) : List.of();
    for (Object name : new HashSet<>(names)) {
      Role.parse(String.valueOf(name)).ifPresent(roles::add);
    }
    return new Verified(claims.getSubject(), roles);
  }
}
