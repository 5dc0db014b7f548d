package dev.baton.cli.e2e;

import static org.awaitility.Awaitility.await;

import dev.baton.cli.mesh.LaunchedProcess;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The probe ports of a real {@code baton} process ({@code --health-port 0 --metrics-port 0}): their
 * numbers, read from the lines the process logs when it binds them, a plaintext health client and a
 * Prometheus scraper. Close it to close its channel.
 */
final class Probes implements AutoCloseable {
  private static final Pattern HEALTH = Pattern.compile("health port listening on ([^ ]+:\\d+) ");
  private static final Pattern METRICS = Pattern.compile("metrics on (http://[^ ]+/metrics) ");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final String healthAddress;
  final String metricsUrl;
  private final ManagedChannel channel;

  private Probes(String healthAddress, String metricsUrl) {
    this.healthAddress = healthAddress;
    this.metricsUrl = metricsUrl;
    this.channel = ManagedChannelBuilder.forTarget(healthAddress).usePlaintext().build();
  }

  /** Waits until {@code p} logged both ports (they bind right after its main server). */
  static Probes of(LaunchedProcess p, Duration timeout) {
    String[] found = new String[2];
    await(p.name() + " logs its health and metrics ports").atMost(timeout).pollInterval(Duration.ofMillis(20))
        .until(() -> {
          String log = Files.exists(p.logFile()) ? Files.readString(p.logFile(), StandardCharsets.UTF_8) : "";
          found[0] = find(HEALTH, log).orElse(null);
          found[1] = find(METRICS, log).orElse(null);
          if (!p.isAlive()) {
            throw new AssertionError(p.name() + " exited " + p.exitValue() + ":\n" + p.logTail(20));
          }
          return found[0] != null && found[1] != null;
        });
    return new Probes(found[0], found[1]);
  }

  private static Optional<String> find(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** The status of {@code service} now (a Check with a 5 s deadline). */
  ServingStatus check(String service) {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  /** The status of {@code service} now, or empty when the port does not answer (closed). */
  Optional<ServingStatus> checkOrClosed(String service) {
    try {
      return Optional.of(check(service));
    } catch (StatusRuntimeException e) {
      return Optional.empty();
    }
  }

  /** Opens a Watch on {@code service}: every status the server sends, in order, until the stream ends. */
  Watch watch(String service) {
    Watch w = new Watch();
    HealthGrpc.newStub(channel).watch(HealthCheckRequest.newBuilder().setService(service).build(), w);
    return w;
  }

  /** The scrape: sample (name with labels, as printed) to value; fails on anything but 200. */
  Map<String, Double> scrape() {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(metricsUrl)).timeout(Duration.ofSeconds(5))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new AssertionError("GET " + metricsUrl + ": " + r.statusCode() + " " + r.body());
      }
      return parse(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + metricsUrl, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The status code of {@code method path} on the metrics port. */
  int httpStatus(String method, String path) throws Exception {
    URI uri = URI.create(metricsUrl).resolve(path);
    return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** The value of the one sample whose name is {@code metric} (labels ignored); fails if absent. */
  static double value(Map<String, Double> scrape, String metric) {
    List<Double> values = scrape.entrySet().stream()
        .filter(e -> e.getKey().equals(metric) || e.getKey().startsWith(metric + "{"))
        .map(Map.Entry::getValue).toList();
    if (values.size() != 1) {
      throw new AssertionError("expected one sample of " + metric + ", found " + values.size() + " in " + scrape.keySet());
    }
    return values.get(0);
  }

  static Map<String, Double> parse(String text) {
    Map<String, Double> samples = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return samples;
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }

  /** A Watch's statuses as they arrive, and its end. */
  static final class Watch implements StreamObserver<HealthCheckResponse> {
    final List<ServingStatus> statuses = new CopyOnWriteArrayList<>();
    final CompletableFuture<Throwable> ended = new CompletableFuture<>();

    @Override
    public void onNext(HealthCheckResponse value) {
      statuses.add(value.getStatus());
    }

    @Override
    public void onError(Throwable t) {
      ended.complete(t);
    }

    @Override
    public void onCompleted() {
      ended.complete(null);
    }

    ServingStatus last() {
      return statuses.isEmpty() ? null : statuses.get(statuses.size() - 1);
    }

    /** The statuses with repeats collapsed: the transitions. */
    List<ServingStatus> transitions() {
      List<ServingStatus> out = new java.util.ArrayList<>();
      for (ServingStatus s : statuses) {
        if (out.isEmpty() || out.get(out.size() - 1) != s) {
          out.add(s);
        }
      }
      return out;
    }
  }
}
