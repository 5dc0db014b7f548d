package dev.baton.master.testing;

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
import java.util.concurrent.CountDownLatch;

/**
 * A TCP proxy on a loopback port in front of another one, with a gate: while it is closed, new
 * connections are accepted but not forwarded (a client waits, as on a slow network or a busy
 * server); {@link #open()} lets every waiting and later connection through. For tests that need a
 * remote call to be in flight, deterministically, while something else happens.
 *
 * <p>One daemon thread accepts; two per connection copy bytes.
 */
public final class GatedProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  public GatedProxy(int targetPort) {
    this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    daemon(this::accept, "gated-proxy-accept");
  }

  public int port() {
    return server.getLocalPort();
  }

  /** New connections wait from now on. */
  public void hold() {
    gate = new CountDownLatch(1);
  }

  /** Every waiting connection goes through, and later ones at once. */
  public void open() {
    gate.countDown();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        CountDownLatch g = gate;
        daemon(() -> forward(client, g), "gated-proxy-conn");
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void forward(Socket client, CountDownLatch g) {
    try {
      g.await();
      Socket upstream = new Socket(target.getAddress(), target.getPort());
      sockets.add(upstream);
      daemon(() -> copy(upstream, client), "gated-proxy-down");
      copy(client, upstream);
    } catch (IOException e) {
      closeQuietly(client);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(client);
    }
  }

  private static void copy(Socket from, Socket to) {
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // either side closed
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  private static void daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    open();
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    sockets.forEach(GatedProxy::closeQuietly);
  }
}
