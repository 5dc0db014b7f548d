package dev.baton.master.dashboard.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One server-sent-events response: sends the headers at construction, then events and comments,
 * each flushed at once. Written by one thread only (the stream's thread, or the request thread
 * before it hands the stream over).
 */
final class SseStream implements AutoCloseable {
  private final HttpExchange exchange;
  private final OutputStream out;

  SseStream(HttpExchange exchange) throws IOException {
    this.exchange = exchange;
    var h = exchange.getResponseHeaders();
    h.set("Content-Type", "text/event-stream; charset=utf-8");
    h.set("Cache-Control", "no-store");
    // Proxies (nginx) must pass each event at once.
    h.set("X-Accel-Buffering", "no");
    exchange.sendResponseHeaders(200, 0);
    this.out = exchange.getResponseBody();
  }

  /** An event; {@code id} null for none; {@code data} must be one line (JSON printed without newlines). */
  void event(String id, String event, String data) throws IOException {
    StringBuilder b = new StringBuilder(data.length() + 64);
    if (id != null) {
      b.append("id: ").append(id).append('\n');
    }
    b.append("event: ").append(event).append('\n').append("data: ").append(data).append("\n\n");
    write(b.toString());
  }

  void comment(String text) throws IOException {
    write(": " + text + "\n\n");
  }

  private void write(String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      // the client went away: nothing more to tell it
    }
    exchange.close();
  }
}
