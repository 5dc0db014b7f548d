package dev.baton.runtime.orchestrator;

import java.util.List;

/**
 * The main of a *-orch module: {@code --master host:port [--port P] [--host H]}, starts the server,
 * prints one {@code BATON_READY} line for launchers to read, and blocks until the process is
 * stopped (a shutdown hook closes the server gracefully). Exit status 2 on bad usage.
 */
public final class OrchestratorLauncher {
  private static final String USAGE = "usage: --master host:port [--port P] [--host H]";

  private OrchestratorLauncher() {}

  /** Parses the arguments into a config; {@link IllegalArgumentException} naming the bad one. */
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

  /** Runs the orchestrator of {@code domain}; returns only on bad usage or interruption. */
  public static void main(String domain, String[] args) throws InterruptedException {
    OrchestratorConfig config;
    Specialisation specialisation;
    try {
      config = parse(List.of(args));
      specialisation = Specialisations.find(domain);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    SubOrchestratorServer server = SubOrchestratorServer.start(config, specialisation);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "baton-shutdown"));
    System.out.println("BATON_READY role=orchestrator domain=" + domain + " id=" + server.instanceId()
        + " address=" + server.address());
    System.out.flush();
    server.awaitTermination();
  }
}
