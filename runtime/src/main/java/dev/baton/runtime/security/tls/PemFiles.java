package dev.baton.runtime.security.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * Writes certificates and keys as PEM, each file replaced atomically (a reader, such as a server
 * reloading its certificate, sees the old file or the new one, never half of one). Private keys are
 * unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), which grpc-java, Netty and git's curl all read,
 * in files only their owner may read (0600); EC keys are SEC1 (see {@link #writePrivateKey}).
 */
final class PemFiles {
  private PemFiles() {}

  static void writeCertificates(Path file, List<X509Certificate> chain) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      for (X509Certificate cert : chain) {
        pem.writeObject(cert);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a certificate as PEM", e);
    }
    replace(file, text.toString(), false);
  }

  /**
   * Writes an EC key as SEC1 ({@code BEGIN EC PRIVATE KEY}) with its curve and public point: GnuTLS
   * (the curl behind Debian's git) refuses a key without the public point, which is how the JDK
   * encodes PKCS#8. Other keys are written as PKCS#8.
   */
  static void writePrivateKey(Path file, KeyPair pair) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      if (pair.getPrivate() instanceof ECPrivateKey ec) {
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
            ec.getParams().getOrder().bitLength(), ec.getS(), spki.getPublicKeyData(), spki.getAlgorithm().getParameters());
        pem.writeObject(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
      } else {
        pem.writeObject(new JcaPKCS8Generator(pair.getPrivate(), null));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a private key as PEM", e);
    }
    replace(file, text.toString(), true);
  }

  /** Writes {@code text} to a sibling temporary file (0600 when {@code secret}) and moves it over {@code file}. */
  private static void replace(Path file, String text, boolean secret) {
    Path target = file.toAbsolutePath();
    try {
      Files.createDirectories(target.getParent());
      Path tmp;
      if (secret && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
      }
      try {
        if (!secret && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
          // certificates are public: readable by the group and others, as a Kubernetes secret mount makes them
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        }
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage()
          + " (is the directory writable?)", e);
    }
  }
}
