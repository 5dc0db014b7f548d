package dev.baton.runtime.security.tls;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/** SSL contexts for the HTTP servers beside a gRPC server (the master's git and dashboard servers). */
public final class HttpsContexts {
  private HttpsContexts() {}

  /**
   * An SSL context on the same reloading key and trust managers as the gRPC server's credentials, so
   * a rotated certificate reaches every server at once.
   *
   * @param server what the context is for, named in the error
   * @throws IllegalArgumentException when the credentials carry no key or trust managers
   */
  public static SSLContext sameAs(ServerCredentials credentials, String server) {
    if (!(credentials instanceof TlsServerCredentials tls) || tls.getKeyManagers() == null
        || tls.getTrustManagers() == null) {
      throw new IllegalArgumentException(server + "'s TLS needs key and trust managers"
          + " (build the ServerSecurity with dev.baton.runtime.security.tls.TlsMaterial)");
    }
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(tls.getKeyManagers().toArray(KeyManager[]::new), tls.getTrustManagers().toArray(TrustManager[]::new), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no TLS context: " + e.getMessage(), e);
    }
  }
}
