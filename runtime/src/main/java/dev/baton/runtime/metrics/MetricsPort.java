package dev.baton.runtime.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus endpoint of one process: {@code GET /metrics} on a plaintext HTTP port, the text
 * exposition format of the {@link PrometheusMeterRegistry} it is given (what the servers and the
 * HorizontalPodAutoscaler's adapter read). Anything else is 404 (405 for another method on
 * {@code /metrics}).
 *
 * <p>Plaintext off loopback, like the health port: it carries counts and gauges only, never a
 * plan's content or a secret (docs/security.md). Served by one thread with a queue of at most
 * {@link #MAX_QUEUED} exchanges; past it a scrape is refused (the connection is closed), so a
 * flood of scrapes cannot take threads or memory from the process.
 */
public final class MetricsPort implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsPort.class);
  /** Scrapes waiting for the serving thread, at most. */
  static final int MAX_QUEUED = 32;

  private final HttpServer server;
  private final ExecutorService executor;
  private final PrometheusMeterRegistry registry;
  private final String host;

  private MetricsPort(HttpServer server, ExecutorService executor, PrometheusMeterRegistry registry, String host) {
    this.server = server;
    this.executor = executor;
    this.registry = registry;
    this.host = host;
  }

  /** A registry for one process's meters. */
  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** Binds {@code host:port} (0: a free port) and serves {@code registry}'s scrape there. */
  public static MetricsPort start(String host, int port, PrometheusMeterRegistry registry) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + host + ":" + port
          + " for the metrics port (is the port in use? pass another --metrics-port)", e);
    }
    ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(MAX_QUEUED), r -> {
          Thread t = new Thread(r, "baton-metrics");
          t.setDaemon(true);
          return t;
        }, (r, pool) -> log.debug("metrics scrape refused: {} already queued", MAX_QUEUED));
    MetricsPort port0 = new MetricsPort(server, executor, registry, host);
    server.setExecutor(executor);
    server.createContext("/", port0::handle);
    server.start();
    log.info("metrics on http://{}:{}/metrics (Prometheus text format)", host, server.getAddress().getPort());
    return port0;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!path.equals("/metrics")) {
        reply(exchange, 404, "text/plain; charset=utf-8", "not found: " + path + " (try /metrics)\n");
        return;
      }
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        reply(exchange, 405, "text/plain; charset=utf-8", method + " not allowed (expected: GET)\n");
        return;
      }
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      if (method.equals("HEAD")) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void reply(HttpExchange exchange, int status, String type, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port/metrics} that clients on this machine can fetch. */
  public String url() {
    return "http://" + dev.baton.runtime.server.GrpcServer.dialable(host, port()) + "/metrics";
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
