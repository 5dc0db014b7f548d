package dev.baton.master.dashboard.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.baton.runtime.security.BindGuard;
import dev.baton.runtime.security.ServerSecurity;
import dev.baton.runtime.security.tls.HttpsContexts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's web dashboard: the JDK's {@link HttpServer} (no new dependency; the git server uses it
 * too) serving the web app's static files and the JSON/SSE API of docs/dashboard.md.
 *
 * <p>With the master's TLS it is an HTTPS server on the same reloading certificate that ASKS for a
 * client certificate (people's browsers bring tokens instead; orchestrators' certificates are
 * verified when offered). Plaintext is refused off loopback unless the master runs {@code --insecure}
 * ({@link BindGuard}), as for every Baton server.
 *
 * <p>Threads: requests run on a fixed pool of {@link DashboardSettings#threads()} ("baton-dashboard");
 * an event stream is handed to a thread of its own ("baton-dashboard-sse"), at most
 * {@link DashboardSettings#maxStreams()} of them, so a stream never pins a request thread.
 */
public final class DashboardServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DashboardServer.class);

  private final HttpServer server;
  private final ExecutorService requests;
  private final ThreadPoolExecutor streams;
  private final String url;

  private DashboardServer(HttpServer server, ExecutorService requests, ThreadPoolExecutor streams, String url) {
    this.server = server;
    this.requests = requests;
    this.streams = streams;
    this.url = url;
  }

  /**
   * Binds {@code host:settings.port()} and serves.
   *
   * @param security the master's: its TLS material and its authenticating interceptors
   * @param api what the API answers from (the master's gRPC service logic, its store)
   * @throws IllegalStateException naming the port when it cannot be bound
   */
  public static DashboardServer start(String host, DashboardSettings settings, ServerSecurity security, DashboardApi api) {
    BindGuard.check("dashboard HTTP server", host, settings.port(), security.isPlaintext(), security.insecure());
    HttpServer server;
    try {
      if (security.isPlaintext()) {
        server = HttpServer.create(new InetSocketAddress(host, settings.port()), 64);
      } else {
        HttpsServer https = HttpsServer.create(new InetSocketAddress(host, settings.port()), 64);
        https.setHttpsConfigurator(new HttpsConfigurator(HttpsContexts.sameAs(security.credentials(), "the dashboard")) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
            ssl.setWantClientAuth(true);
            params.setSSLParameters(ssl);
          }
        });
        server = https;
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot serve the dashboard on " + host + ":" + settings.port() + ": "
          + e.getMessage() + " (choose another --dashboard-port, or 0 for a free one)", e);
    }
    ExecutorService requests = java.util.concurrent.Executors.newFixedThreadPool(settings.threads(), daemon("baton-dashboard"));
    // Never queues: StreamLimits admits at most maxStreams, each with a thread of its own.
    ThreadPoolExecutor streams = new ThreadPoolExecutor(0, settings.maxStreams(), 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), daemon("baton-dashboard-sse"));
    server.setExecutor(requests);
    String urlHost = host.contains(":") ? "[" + host + "]" : host;
    String url = (security.isPlaintext() ? "http" : "https") + "://" + urlHost + ":" + server.getAddress().getPort() + "/";
    Router router = new Router(api, settings, new HttpAuth(security.interceptors(), !security.isPlaintext(), host),
        new StaticFiles(DashboardServer.class.getClassLoader()), streams);
    server.createContext("/", router::handle);
    server.start();
    log.info("serving the dashboard at {}", url);
    return new DashboardServer(server, requests, streams, url);
  }

  /** {@code http(s)://host:port/}. */
  public String url() {
    return url;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Ends every event stream and stops serving. */
  @Override
  public void close() {
    streams.shutdownNow(); // interrupts each stream's thread: it ends its response
    server.stop(0);
    requests.shutdownNow();
  }


  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Requests by path to their handler; the one place ApiErrors become answers. */
  static void answer(HttpExchange ex, ApiError e) {
    try {
      HttpIo.sendError(ex, e);
    } catch (IOException io) {
      log.debug("cannot answer {}: {}", ex.getRequestURI(), io.getMessage());
    }
  }
}
