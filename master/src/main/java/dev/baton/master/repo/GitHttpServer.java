package dev.baton.master.repo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.baton.runtime.security.BindGuard;
import dev.baton.runtime.security.ServerSecurity;
import dev.baton.runtime.security.tls.HttpsContexts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the bare repositories {@code <root>/<name>.git} over git's smart HTTP, so a
 * sub-orchestrator on another machine needs only a URL to clone, fetch and push.
 *
 * <p>Built on native {@code git http-backend} (CGI) behind the JDK's {@code HttpServer} rather than
 * JGit's {@code GitServlet}: JGit 7's server side needs the Jakarta servlet API and a servlet
 * container (Jetty: a dozen jars) on the master's class path, while git is already required on every
 * machine that runs Baton, and {@code http-backend} speaks protocol v2, packs with native speed and
 * is exactly the server that git clients are tested against.
 *
 * <p>With TLS (the master's {@link ServerSecurity}) it is an HTTPS server that requires a client
 * certificate from the mesh's CA; sub-orchestrators pass theirs to git ({@code http.sslCert}, see
 * {@code dev.baton.runtime.git.GitTls}).
 *
 * <p>Pushes are limited to {@code refs/heads/baton/*} (task and integration branches) by a
 * {@code pre-receive} hook that this server writes into its own directory and hands to
 * {@code http-backend} through {@code core.hooksPath} in the environment: the served repositories
 * are not modified, and local pushes (the master's own) are not restricted. A refused push ends with
 * git's "! [remote rejected]" and a {@code remote:} line that says which refs are accepted.
 */
public final class GitHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GitHttpServer.class);
  /** Time one request's {@code http-backend} may take before it is killed. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(10);
  /** Requests served at once; more wait for a thread. */
  public static final int DEFAULT_THREADS = 16;

  private static final Pattern PATH = Pattern.compile("/([A-Za-z0-9_][A-Za-z0-9._-]*\\.git)(/.*)?");
  static final String HOOK =
      "#!/bin/sh\n"
          + "# Written by Baton's GitHttpServer: over HTTP only Baton's branches may be pushed.\n"
          + "refused=0\n"
          + "while read old new ref; do\n"
          + "  case \"$ref\" in\n"
          + "    refs/heads/baton/*) ;;\n"
          + "    *) echo \"baton: push to $ref refused: this server accepts pushes only to"
          + " refs/heads/baton/* (task and integration branches)\" >&2; refused=1 ;;\n"
          + "  esac\n"
          + "done\n"
          + "exit $refused\n";

  private final Path root;
  private final HttpServer server;
  private final ExecutorService handlers;
  private final ExecutorService pumps;
  private final Path hooks;
  private final Duration requestTimeout;
  private final String baseUrl;
  /** The host in {@link #baseUrl()} when it is not the bound one (null: the bound one). */
  private volatile String advertisedHost;
  /** Decides on pushes by the epoch they carry; accepts every push until set. */
  private volatile PushGate pushGate = epoch -> java.util.Optional.empty();

  /** Refuses a push (the reason, sent with 403) or lets it through, by the master epoch it carries (0: none). */
  @FunctionalInterface
  public interface PushGate {
    java.util.Optional<String> refusal(long pushEpoch);
  }

  /** Sets who may push: a journaled master accepts pushes only while it leads, and none for a newer epoch. */
  public void pushGate(PushGate gate) {
    this.pushGate = gate;
  }

  private GitHttpServer(Path root, HttpServer server, ExecutorService handlers,
      ExecutorService pumps, Path hooks, Duration requestTimeout, String baseUrl) {
    this.root = root;
    this.server = server;
    this.handlers = handlers;
    this.pumps = pumps;
    this.hooks = hooks;
    this.requestTimeout = requestTimeout;
    this.baseUrl = baseUrl;
  }

  /** Serves {@code root} on {@code host:port} (0: an ephemeral port) with the defaults. */
  public static GitHttpServer start(Path root, String host, int port) throws IOException {
    return start(root, host, port, DEFAULT_REQUEST_TIMEOUT, DEFAULT_THREADS);
  }

  public static GitHttpServer start(Path root, String host, int port, Duration requestTimeout,
      int threads) throws IOException {
    return start(root, host, port, requestTimeout, threads, ServerSecurity.open());
  }

  /** Serves {@code root} with the defaults, over HTTPS when {@code security} has TLS ({@link #start(Path, String, int, Duration, int, ServerSecurity)}). */
  public static GitHttpServer start(Path root, String host, int port, ServerSecurity security) throws IOException {
    return start(root, host, port, DEFAULT_REQUEST_TIMEOUT, DEFAULT_THREADS, security);
  }

  /**
   * Serves {@code root} on {@code host:port}. With TLS in {@code security} (the master's certificate)
   * the server speaks HTTPS and REQUIRES a client certificate that chains to the CA bundle: only
   * orchestrators and masters fetch and push, people do not. Plaintext is refused on an interface other
   * than loopback unless {@code security} is insecure ({@link BindGuard}).
   */
  public static GitHttpServer start(Path root, String host, int port, Duration requestTimeout,
      int threads, ServerSecurity security) throws IOException {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0-65535; 0 for an ephemeral port)");
    }
    if (requestTimeout == null || requestTimeout.isZero() || requestTimeout.isNegative()) {
      throw new IllegalArgumentException("requestTimeout: " + requestTimeout + " (expected: > 0)");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
    }
    Path served = root.toAbsolutePath().normalize();
    if (!Files.isDirectory(served)) {
      throw new IOException("cannot serve " + served + ": not a directory");
    }
    Path hooks = Files.createTempDirectory("baton-git-hooks-");
    Path hook = hooks.resolve("pre-receive");
    Files.writeString(hook, HOOK, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    BindGuard.check("git HTTP server", host, port, security.isPlaintext(), security.insecure());
    HttpServer server;
    if (security.isPlaintext()) {
      server = HttpServer.create(new InetSocketAddress(host, port), 64);
    } else {
      HttpsServer https = HttpsServer.create(new InetSocketAddress(host, port), 64);
      https.setHttpsConfigurator(new HttpsConfigurator(HttpsContexts.sameAs(security.credentials(), "the git server")) {
        @Override
        public void configure(HttpsParameters params) {
          SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
          ssl.setNeedClientAuth(true);
          params.setSSLParameters(ssl);
        }
      });
      server = https;
    }
    ExecutorService handlers = Executors.newFixedThreadPool(threads, daemon("git-http"));
    ExecutorService pumps = Executors.newCachedThreadPool(daemon("git-http-body"));
    server.setExecutor(handlers);
    String urlHost = host.contains(":") ? "[" + host + "]" : host;
    String scheme = security.isPlaintext() ? "http" : "https";
    String baseUrl = scheme + "://" + urlHost + ":" + server.getAddress().getPort() + "/";
    GitHttpServer git = new GitHttpServer(served, server, handlers, pumps, hooks, requestTimeout, baseUrl);
    server.createContext("/", git::handle);
    server.start();
    log.info("serving git repositories of {} at {}", served, baseUrl);
    return git;
  }

  /** {@code http://host:port/}, or {@code https://host:port/} with TLS. */
  public String baseUrl() {
    String h = advertisedHost;
    if (h == null) {
      return baseUrl;
    }
    java.net.URI bound = java.net.URI.create(baseUrl);
    return bound.getScheme() + "://" + com.google.common.net.HostAndPort.fromParts(h, bound.getPort()) + "/";
  }

  /**
   * Names {@code host} (a DNS name the master's certificate carries) in {@link #baseUrl()} instead
   * of the bound interface; null keeps the bound one. Returns this server.
   */
  public GitHttpServer advertisedAs(String host) {
    this.advertisedHost = host == null || host.isBlank() ? null : host.strip();
    return this;
  }

  /** The URL of {@code <root>/<name>.git}. */
  public String url(String name) {
    return baseUrl() + (name.endsWith(".git") ? name : name + ".git");
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
    pumps.shutdownNow();
    try {
      Files.deleteIfExists(hooks.resolve("pre-receive"));
      Files.deleteIfExists(hooks);
    } catch (IOException e) {
      log.debug("cannot delete {}: {}", hooks, e.getMessage());
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = URLDecoder.decode(exchange.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
      Matcher m = PATH.matcher(path);
      if (!m.matches() || path.contains("..") || !Files.isDirectory(root.resolve(m.group(1)))) {
        plain(exchange, 404, "no repository at " + path + " (this server serves <name>.git under "
            + baseUrl + ")\n");
        return;
      }
      String query = exchange.getRequestURI().getRawQuery();
      boolean push = path.endsWith("/git-receive-pack") || (query != null && query.contains("service=git-receive-pack"));
      if (push) {
        long epoch;
        try {
          epoch = header(exchange, dev.baton.runtime.server.MasterEpoch.PUSH_HEADER).map(String::strip)
              .map(Long::parseLong).orElse(0L);
        } catch (NumberFormatException e) {
          plain(exchange, 400, dev.baton.runtime.server.MasterEpoch.PUSH_HEADER + ": not a number\n");
          return;
        }
        java.util.Optional<String> refused = pushGate.refusal(epoch);
        if (refused.isPresent()) {
          log.warn("push to {} refused: {}", path, refused.get());
          plain(exchange, 403, "baton: push refused: " + refused.get() + "\n");
          return;
        }
      }
      cgi(exchange, path);
    } catch (IOException | RuntimeException e) {
      log.warn("git http request {} {} failed: {}", exchange.getRequestMethod(),
          exchange.getRequestURI(), e.toString());
    }
  }

  private void cgi(HttpExchange exchange, String path) throws IOException {
    ProcessBuilder builder = new ProcessBuilder("git", "http-backend")
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("GIT_"));
    env.put("GIT_PROJECT_ROOT", root.toString());
    env.put("GIT_HTTP_EXPORT_ALL", "1");
    env.put("PATH_INFO", path);
    env.put("REQUEST_METHOD", exchange.getRequestMethod());
    String query = exchange.getRequestURI().getRawQuery();
    env.put("QUERY_STRING", query == null ? "" : query);
    env.put("REMOTE_ADDR", exchange.getRemoteAddress().getAddress().getHostAddress());
    env.put("SERVER_PROTOCOL", "HTTP/1.1");
    env.put("LC_ALL", "C");
    header(exchange, "Content-Type").ifPresent(v -> env.put("CONTENT_TYPE", v));
    header(exchange, "Content-Length").ifPresent(v -> env.put("CONTENT_LENGTH", v));
    header(exchange, "Content-Encoding").ifPresent(v -> env.put("HTTP_CONTENT_ENCODING", v));
    header(exchange, "Git-Protocol").ifPresent(v -> env.put("GIT_PROTOCOL", v));
    Map<String, String> config = new LinkedHashMap<>();
    config.put("http.receivepack", "true");
    config.put("core.hooksPath", hooks.toString());
    config.put("uploadpack.allowReachableSHA1InWant", "true");
    int i = 0;
    for (Map.Entry<String, String> c : config.entrySet()) {
      env.put("GIT_CONFIG_KEY_" + i, c.getKey());
      env.put("GIT_CONFIG_VALUE_" + i, c.getValue());
      i++;
    }
    env.put("GIT_CONFIG_COUNT", Integer.toString(i));

    Process process = builder.start();
    // The body goes in on another thread: http-backend may answer before it has read everything.
    pumps.execute(() -> {
      try (InputStream body = exchange.getRequestBody(); OutputStream in = process.getOutputStream()) {
        body.transferTo(in);
      } catch (IOException e) {
        // http-backend stopped reading; its answer says why
      }
    });
    pumps.execute(() -> {
      try {
        if (!process.waitFor(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn("git http-backend for {} ran past {}; killing it", path, requestTimeout);
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
      }
    });
    try (InputStream out = process.getInputStream()) {
      int status = 200;
      for (String line : headerLines(out)) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
          continue;
        }
        String name = line.substring(0, colon).strip();
        String value = line.substring(colon + 1).strip();
        if (name.equalsIgnoreCase("Status")) {
          status = Integer.parseInt(value.split(" ", 2)[0]);
        } else {
          exchange.getResponseHeaders().add(name, value);
        }
      }
      exchange.sendResponseHeaders(status, 0);
      try (OutputStream response = exchange.getResponseBody()) {
        out.transferTo(response);
      }
    } finally {
      if (process.isAlive()) {
        try {
          process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
      }
    }
  }

  // CGI headers end at the first empty line; read byte by byte so nothing of the body is consumed.
  private static List<String> headerLines(InputStream in) throws IOException {
    List<String> lines = new java.util.ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1).replaceAll("\r$", "");
        if (text.isEmpty()) {
          return lines;
        }
        lines.add(text);
        line.reset();
        if (lines.size() > 100) {
          throw new IOException("git http-backend sent more than 100 header lines");
        }
      } else {
        line.write(b);
      }
    }
    return lines;
  }

  private static java.util.Optional<String> header(HttpExchange exchange, String name) {
    return java.util.Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
  }

  private static void plain(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
