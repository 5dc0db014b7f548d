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
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * Writes certificates and keys as PEM, each file replaced atomically (a reader, such as a server
 * reloading its certificate, sees the old file or the new one, never half of one). Private keys are
 * unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), which grpc-java, Netty and git's curl all read,
 * in files only their owner may read (0600).
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

  static void writePrivateKey(Path file, PrivateKey key) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      pem.writeObject(new JcaPKCS8Generator(key, null));
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
