package dev.baton.runtime.security.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A development certificate authority: an EC P-256 key and a self-signed CA certificate in a
 * directory ({@value #CA_CERT}, {@value #CA_KEY}), issuing leaf certificates that name one identity as
 * a URI SAN and serve as both TLS server and client certificates. {@code baton certs} and {@code baton
 * up} use it; production meshes take certificates from their own CA (cert-manager, Vault, SPIRE) and
 * only need the same file layout.
 *
 * <p>Built on BouncyCastle's PKIX classes for the certificate structure; keys and signatures come from
 * the JDK's own providers (SunEC), so no security provider is installed. Not thread-safe for {@link
 * #create}/{@link #load} against the same directory from two processes; issuing is thread-safe.
 */
public final class CertificateAuthority {
  /** The CA certificate: the bundle every Baton process trusts ({@code --tls-ca}). */
  public static final String CA_CERT = "ca.pem";
  /** The CA's private key (mode 0600): keep it out of every pod. */
  public static final String CA_KEY = "ca-key.pem";
  /** Ten years: a development CA outlives the certificates it issues. */
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final String SIGNATURE = "SHA256withECDSA";

  private final Path dir;
  private final X509Certificate certificate;
  private final PrivateKey key;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  private CertificateAuthority(Path dir, X509Certificate certificate, PrivateKey key, Clock clock) {
    this.dir = dir;
    this.certificate = certificate;
    this.key = key;
    this.clock = clock;
  }

  /**
   * Makes a new CA in {@code dir} (created if absent) for {@code trustDomain} ({@code baton}: the
   * host part of the identities it will issue). Refuses a directory that already holds a CA.
   */
  public static CertificateAuthority create(Path dir, String trustDomain) {
    return create(dir, trustDomain, Clock.systemUTC());
  }

  /** Like {@link #create(Path, String)}, with time from {@code clock}. */
  public static CertificateAuthority create(Path dir, String trustDomain, Clock clock) {
    if (trustDomain == null || !trustDomain.matches("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?")) {
      throw new IllegalArgumentException("trust domain: '" + trustDomain
          + "' (expected: lower-case letters, digits, '.', '-', e.g. baton or example.org)");
    }
    Path certFile = dir.resolve(CA_CERT);
    if (Files.exists(certFile)) {
      throw new IllegalStateException(certFile + " already exists: a CA is there (use it, or pick another --dir)");
    }
    KeyPair pair = newKeyPair();
    Instant from = clock.instant().minus(Duration.ofMinutes(1));
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, "Baton").addRDN(BCStyle.CN, "Baton development CA (" + trustDomain + ")").build();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(new SecureRandom()),
          Date.from(from), Date.from(from.plus(CA_VALIDITY)), name, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate cert = sign(builder, pair.getPrivate());
      PemFiles.writePrivateKey(dir.resolve(CA_KEY), pair);
      PemFiles.writeCertificates(certFile, List.of(cert));
      return new CertificateAuthority(dir, cert, pair.getPrivate(), clock);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot make a CA certificate: " + e.getMessage(), e);
    }
  }

  /** The CA that {@link #create} wrote to {@code dir}. */
  public static CertificateAuthority load(Path dir) {
    return load(dir, Clock.systemUTC());
  }

  public static CertificateAuthority load(Path dir, Clock clock) {
    Path certFile = dir.resolve(CA_CERT);
    Path keyFile = dir.resolve(CA_KEY);
    X509Certificate cert = (X509Certificate) readPem(certFile, "a CA certificate");
    PrivateKey key = (PrivateKey) readPem(keyFile, "the CA's private key");
    if (cert.getBasicConstraints() < 0) {
      throw new IllegalArgumentException(certFile + ": not a CA certificate (no CA basic constraint)");
    }
    return new CertificateAuthority(dir, cert, key, clock);
  }

  /** The directory holding the CA. */
  public Path directory() {
    return dir;
  }

  /** The CA certificate file: what every process passes as {@code --tls-ca}. */
  public Path certificateFile() {
    return dir.resolve(CA_CERT);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * Issues a certificate for {@code request} and writes it to {@code certFile} and its new key to
   * {@code keyFile} (0600), each replaced atomically. Returns the files with this CA as the bundle.
   */
  public TlsFiles issue(CertificateRequest request, Path certFile, Path keyFile) {
    KeyPair pair = newKeyPair();
    X509Certificate cert = issue(request, pair.getPublic());
    // the key first: a server reloading between the two writes then pairs the new key with the old
    // certificate for at most one reload period, and the handshake fails rather than leaking anything
    PemFiles.writePrivateKey(keyFile, pair);
    PemFiles.writeCertificates(certFile, List.of(cert));
    return TlsFiles.of(certFile, keyFile, certificateFile());
  }

  /** Like {@link #issue(CertificateRequest, Path, Path)}, to {@code PREFIX.pem} and {@code PREFIX-key.pem}. */
  public TlsFiles issue(CertificateRequest request, Path prefix) {
    String base = prefix.getFileName().toString();
    return issue(request, prefix.resolveSibling(base + ".pem"), prefix.resolveSibling(base + "-key.pem"));
  }

  /** A certificate for {@code request} on {@code publicKey}, not written anywhere. */
  public X509Certificate issue(CertificateRequest request, PublicKey publicKey) {
    Objects.requireNonNull(request, "request");
    Instant from = request.notBefore() != null ? request.notBefore() : clock.instant().minus(Duration.ofMinutes(1));
    Instant until = request.notAfter() != null ? request.notAfter() : from.plus(CertificateRequest.DEFAULT_VALIDITY);
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.uniformResourceIdentifier, new DERIA5String(request.identity().toString())));
    for (String dns : request.dnsNames()) {
      names.add(new GeneralName(GeneralName.dNSName, new DERIA5String(dns)));
    }
    for (String ip : request.ipAddresses()) {
      names.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(ipBytes(ip))));
    }
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, "Baton").addRDN(BCStyle.CN, commonName(request)).build();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(random),
          Date.from(from), Date.from(until), subject, publicKey)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          // critical when the subject is empty; ours has one, so not critical (RFC 5280 4.2.1.6)
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      return sign(builder, key);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + request.identity() + ": " + e.getMessage(), e);
    }
  }

  /** A fresh EC P-256 key pair. */
  public static KeyPair newKeyPair() {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"));
      return gen.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make EC P-256 keys: " + e.getMessage(), e);
    }
  }

  /** The last path segment of the identity ({@code backend}), else its host. */
  private static String commonName(CertificateRequest request) {
    String path = request.identity().getPath();
    String last = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
    String cn = last.isEmpty() ? request.identity().getHost() : last;
    return cn.length() > 64 ? cn.substring(0, 64) : cn; // X.520 upper bound of a common name
  }

  private static byte[] ipBytes(String ip) {
    try {
      // a literal (checked by CertificateRequest): no name lookup happens
      return InetAddress.getByName(ip).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("ip: '" + ip + "' (expected: an IPv4 or IPv6 address)", e);
    }
  }

  /** A positive random 127-bit serial: unique without a counter, as RFC 5280 4.1.2.2 asks. */
  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).setBit(0);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(key);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    }
  }

  /** The first certificate or private key in a PEM file, with a message naming the file. */
  static Object readPem(Path file, String what) {
    try (Reader reader = Files.newBufferedReader(file); PEMParser pem = new PEMParser(reader)) {
      Object obj = pem.readObject();
      if (obj instanceof X509CertificateHolder holder) {
        return new JcaX509CertificateConverter().getCertificate(holder);
      }
      if (obj instanceof PrivateKeyInfo info) {
        return new JcaPEMKeyConverter().getPrivateKey(info);
      }
      if (obj instanceof PEMKeyPair pair) {
        return new JcaPEMKeyConverter().getPrivateKey(pair.getPrivateKeyInfo());
      }
      throw new IllegalArgumentException(file + ": no PEM " + what + " in it (expected: " + what + " in PEM)");
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file (expected: " + what + " in PEM)");
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(file + ": cannot read " + what + ": " + e.getMessage());
    }
  }
}
