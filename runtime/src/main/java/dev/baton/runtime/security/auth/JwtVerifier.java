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
 * Verifies JWT bearer tokens with nimbus-jose-jwt against the keys of a JWKS file or of PEM public
 * keys (RSA or EC,
 * RS256/ES256 and their larger siblings): signature, expiry and not-before, the issuer and audience
 * when configured, and a subject. Roles come from a claim (default {@code roles}: a list, or a
 * space-separated string as OAuth scopes are); unknown role names are ignored.
 */
public final class JwtVerifier {
  /**
   * The settings: the keys (a JWKS file, or PEM files of public keys, or both), the expected issuer
   * and audience (null: not checked) and the roles claim.
   */
  public record Settings(Path jwks, java.util.List<Path> publicKeys, String issuer, String audience, String rolesClaim) {
    public Settings {
      publicKeys = publicKeys == null ? java.util.List.of() : java.util.List.copyOf(publicKeys);
      rolesClaim = rolesClaim == null || rolesClaim.isBlank() ? "roles" : rolesClaim;
      if (jwks == null && publicKeys.isEmpty()) {
        throw new IllegalArgumentException("JWTs need keys: a JWKS file or PEM public keys");
      }
    }

    /** Keys from a JWKS file only. */
    public Settings(Path jwks, String issuer, String audience, String rolesClaim) {
      this(jwks, java.util.List.of(), issuer, audience, rolesClaim);
    }
  }

  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final String rolesClaim;

  private JwtVerifier(JWKSet keys, List<com.nimbusds.jose.jwk.JWK> pemKeys, Settings settings) {
    this.rolesClaim = settings.rolesClaim();
    Set<JWSAlgorithm> algorithms = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
        JWSAlgorithm.PS256, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.EdDSA);
    JWSVerificationKeySelector<SecurityContext> byKeyId =
        new JWSVerificationKeySelector<>(algorithms, new ImmutableJWKSet<>(keys));
    // JWKS keys are matched by the token's key id; a PEM key has none, so it is tried for every
    // token whose algorithm suits its type.
    processor.setJWSKeySelector((header, context) -> {
      List<java.security.Key> candidates = new java.util.ArrayList<>(byKeyId.selectJWSKeys(header, context));
      if (algorithms.contains(header.getAlgorithm())) {
        for (com.nimbusds.jose.jwk.JWK k : pemKeys) {
          try {
            if (k instanceof com.nimbusds.jose.jwk.ECKey ec && JWSAlgorithm.Family.EC.contains(header.getAlgorithm())) {
              candidates.add(ec.toECPublicKey());
            } else if (k instanceof com.nimbusds.jose.jwk.RSAKey rsa
                && JWSAlgorithm.Family.RSA.contains(header.getAlgorithm())) {
              candidates.add(rsa.toRSAPublicKey());
            }
          } catch (com.nimbusds.jose.JOSEException e) {
            throw new com.nimbusds.jose.KeySourceException("unusable PEM key: " + e.getMessage(), e);
          }
        }
      }
      return candidates;
    });
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
    java.util.List<com.nimbusds.jose.jwk.JWK> jwksKeys = new java.util.ArrayList<>();
    java.util.List<com.nimbusds.jose.jwk.JWK> keys = new java.util.ArrayList<>();
    if (settings.jwks() != null) {
      try {
        jwksKeys.addAll(JWKSet.load(settings.jwks().toFile()).getKeys());
      } catch (java.io.IOException | java.text.ParseException e) {
        throw new IllegalArgumentException(settings.jwks() + ": not a JWKS file (" + e.getMessage()
            + "; expected: {\"keys\": [...]} of public keys)", e);
      }
    }
    for (Path pem : settings.publicKeys()) {
      try {
        // A PEM key has no key id: it is tried for every token (the selector matches by type).
        keys.add(com.nimbusds.jose.jwk.JWK.parseFromPEMEncodedObjects(java.nio.file.Files.readString(pem)));
      } catch (java.io.IOException | com.nimbusds.jose.JOSEException | RuntimeException e) {
        throw new IllegalArgumentException(pem + ": not a PEM public key (" + e.getMessage()
            + "; expected: -----BEGIN PUBLIC KEY----- of an RSA or EC key)", e);
      }
    }
    return new JwtVerifier(new JWKSet(jwksKeys), keys, settings);
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
