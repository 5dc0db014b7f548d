package dev.baton.cli;

import picocli.CommandLine.Option;

/** {@code --master host:port}: where the client commands find the master. */
final class MasterOption {
  static final String DEFAULT_ADDRESS = "127.0.0.1:7233";

  @Option(
      names = "--master",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:BATON_MASTER:-" + DEFAULT_ADDRESS + "}",
      description = "Address of the master (default: $BATON_MASTER or ${DEFAULT-VALUE}).")
  String address;

  MasterClient connect() {
    return MasterClient.connect(address);
  }
}
