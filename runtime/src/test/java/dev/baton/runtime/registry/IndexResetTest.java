package dev.baton.runtime.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kiwiproject.consul.Consul;

/**
 * The watcher's index handling against a small HTTP fake of the health endpoint: a real agent
 * cannot be made to send an index that goes backwards, or a 0, on demand (the restart test covers
 * the real case).
 */
class IndexResetTest {
  private HttpServer fake;
  private Consul client;
  private ServiceWatcher watcher;

  @AfterEach
  void stop() {
    if (watcher != null) {
      watcher.close();
    }
    if (client != null) {
      client.destroy();
    }
    if (fake != null) {
      fake.stop(0);
    }
  }

  @Test
  void resetsTheIndexWhenItGoesBackwardsAndRaisesAZeroToOne() throws IOException {
    List<String> requestedIndexes = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    fake = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    fake.createContext("/v1/health/service/baton-fake", exchange -> {
      String query = exchange.getRequestURI().getQuery() == null ? "" : exchange.getRequestURI().getQuery();
      requestedIndexes.add(param(query, "index"));
      switch (calls.incrementAndGet()) {
        case 1 -> answer(exchange, 10, "a");
        case 2 -> answer(exchange, 5, "a", "b"); // backwards: reset to 0
        case 3 -> answer(exchange, 0, "a", "b"); // a zero: use 1
        case 4 -> answer(exchange, 7, "b");
        default -> {
          LockSupport.parkNanos(Duration.ofMillis(100).toNanos()); // "blocks", nothing changes
          answer(exchange, 7, "b");
        }
      }
    });
    fake.start();
    ConsulSettings settings = ConsulSettings.builder()
        .address("127.0.0.1:" + fake.getAddress().getPort())
        .watchWait(Duration.ofSeconds(1))
        .build();
    client = ConsulClients.create(settings);
    List<List<String>> lists = new CopyOnWriteArrayList<>();
    watcher = ServiceWatcher.start(client, settings, "baton-fake",
        l -> lists.add(l.stream().map(ServiceInstance::id).toList()), Clock.systemUTC(), new Random(1));

    await().atMost(Duration.ofSeconds(10)).until(() -> requestedIndexes.size() >= 6);

    assertThat(requestedIndexes.subList(0, 6)).containsExactly("", "10", "", "1", "7", "7");
    assertThat(lists).containsExactly(List.of("a"), List.of("a", "b"), List.of("b"));
    assertThat(watcher.status().indexResets()).isEqualTo(2);
    assertThat(watcher.status().index()).hasToString("7");
  }

  private static String param(String query, String name) {
    for (String pair : query.split("&")) {
      if (pair.startsWith(name + "=")) {
        return pair.substring(name.length() + 1);
      }
    }
    return "";
  }

  private static void answer(HttpExchange exchange, long index, String... ids) throws IOException {
    StringBuilder body = new StringBuilder("[");
    for (String id : ids) {
      if (body.length() > 1) {
        body.append(',');
      }
      body.append("{\"Node\":{\"ID\":\"n1\",\"Node\":\"fake\",\"Address\":\"127.0.0.1\",\"Datacenter\":\"dc1\"},")
          .append("\"Service\":{\"ID\":\"").append(id).append("\",\"Service\":\"baton-fake\",\"Tags\":[],")
          .append("\"Address\":\"127.0.0.1\",\"Meta\":{},\"Port\":4000,\"EnableTagOverride\":false},")
          .append("\"Checks\":[]}");
    }
    body.append(']');
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.getResponseHeaders().add("X-Consul-Index", Long.toString(index));
    exchange.getResponseHeaders().add("X-Consul-Knownleader", "true");
    exchange.getResponseHeaders().add("X-Consul-Lastcontact", "0");
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
