package dev.baton.runtime.orchestrator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain entry point for one sub-orchestrator, without the cli:
 * {@code --domain D --master host:port [--port P] [--host H] [--droids DIR]}. Starts the server,
 * prints one {@code BATON_READY} line for launchers to read, and blocks until the process is stopped
 * (a shutdown hook closes the server gracefully). Exit status 2 on bad usage.
 */
public final class OrchestratorLauncher {
  private static final String USAGE = "usage: --domain D --master host:port [--port P] [--host H] [--droids DIR]";

  private OrchestratorLauncher() {}

  /** Parses the arguments (all but {@code --domain}) into a config; {@link IllegalArgumentException} naming the bad one. */
  public static OrchestratorConfig parse(List<String> args) {
    OrchestratorConfig.Builder builder = OrchestratorConfig.builder();
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      if (flag.equals("--help") || flag.equals("-h")) {
        throw new IllegalArgumentException(USAGE);
      }
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(flag + ": missing value (" + USAGE + ")");
      }
      String value = args.get(++i);
      switch (flag) {
        case "--master" -> builder.masterAddress(value);
        case "--host" -> builder.host(value);
        case "--droids" -> builder.droidsDir(Path.of(value));
        case "--port" -> {
          try {
            builder.port(Integer.parseInt(value));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port: '" + value + "' (expected: a number 0..65535)", e);
          }
        }
        default -> throw new IllegalArgumentException("unknown option '" + flag + "' (" + USAGE + ")");
      }
    }
    return builder.build();
  }

  /** Runs the orchestrator that {@code --domain} names; returns only on bad usage or interruption. */
  public static void main(String[] args) throws InterruptedException {
    List<String> rest = new ArrayList<>(List.of(args));
    int at = rest.indexOf("--domain");
    if (at < 0 || at + 1 >= rest.size()) {
      System.err.println("--domain: missing (" + USAGE + ")");
      System.exit(2);
      return;
    }
    String domain = rest.remove(at + 1);
    rest.remove(at);
    OrchestratorConfig config;
    Specialisation specialisation;
    SubOrchestratorServer server;
    try {
      config = parse(rest);
      specialisation = Specialisations.find(domain);
      server = SubOrchestratorServer.start(config, specialisation);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "baton-shutdown"));
    System.out.println("BATON_READY role=orchestrator domain=" + domain + " id=" + server.instanceId()
        + " address=" + server.address());
    System.out.flush();
    server.awaitTermination();
  }
}
