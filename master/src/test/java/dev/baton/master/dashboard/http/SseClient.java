package dev.baton.master.dashboard.http;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test's server-sent-events client over java.net.http: a reader thread parses the stream into
 * {@link Event}s (comments too, as event {@code :comment}); {@link #next} waits with a deadline.
 */
final class SseClient implements AutoCloseable {
  record Event(String id, String event, String data) {}

  static final Event CLOSED = new Event(null, ":closed", "");

  final HttpResponse<InputStream> response;
  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final Thread reader;

  private SseClient(HttpResponse<InputStream> response) {
    this.response = response;
    this.reader = new Thread(this::read, "sse-test-reader");
    reader.setDaemon(true);
    if (response.statusCode() == 200) {
      reader.start();
    }
  }

  static SseClient open(HttpClient client, String url, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
    headers.forEach(b::header);
    return new SseClient(client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream()));
  }

  String body() throws Exception {
    return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
  }

  /** The next event (comments included), failing after {@code timeout}. */
  Event next(Duration timeout) throws InterruptedException {
    Event e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (e == null) {
      throw new AssertionError("no server-sent event within " + timeout);
    }
    return e;
  }

  /** The next event that is not a comment. */
  Event nextEvent(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Event e = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (!e.event().equals(":comment")) {
        return e;
      }
    }
  }

  private void read() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String id = null;
      String event = "message";
      StringBuilder data = null;
      for (String line; (line = r.readLine()) != null; ) {
        if (line.isEmpty()) {
          if (data != null) {
            events.add(new Event(id, event, data.toString()));
          }
          id = null;
          event = "message";
          data = null;
        } else if (line.startsWith(":")) {
          events.add(new Event(null, ":comment", line.substring(1).strip()));
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
        }
      }
    } catch (Exception e) {
      // closed
    }
    events.add(CLOSED);
  }

  @Override
  public void close() throws Exception {
    response.body().close();
    reader.interrupt();
  }
}
