package dev.baton.master.grpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A toxiproxy-like TCP forwarder in the test JVM: clients dial it, it forwards to the target, and
 * {@link #cut()} breaks every connection at once (bytes in flight are lost), like a network failure.
 * New connections are accepted afterwards.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  public TcpProxy(String targetHostPort) {
    int colon = targetHostPort.lastIndexOf(':');
    this.target = new InetSocketAddress(targetHostPort.substring(0, colon), Integer.parseInt(targetHostPort.substring(colon + 1)));
    try {
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread accept = new Thread(this::accept, "tcp-proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  public String address() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  /** Closes every open connection (both sides), as a broken network would. */
  public void cut() {
    for (Socket s : sockets) {
      try {
        s.setSoLinger(true, 0); // RST, not FIN
        s.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
    sockets.clear();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(target.getAddress(), target.getPort());
        sockets.add(client);
        sockets.add(server);
        pump(client, server);
        pump(server, client);
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
        }
      } catch (IOException broken) {
        // cut or closed
      } finally {
        try {
          from.close();
          to.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }, "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    closed = true;
    cut();
    try {
      listener.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
