package dev.baton.cli;

import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --master host:port[,host:port...]} (repeatable) and {@code --retry-for}: where the client
 * commands find the masters and how long they keep trying them ({@link LeaderFollower}).
 */
final class MasterOption {
  static final String DEFAULT_ADDRESS = "127.0.0.1:7233";

  @Option(
      names = "--master",
      paramLabel = "HOST:PORT[,...]",
      defaultValue = "${env:BATON_MASTER:-" + DEFAULT_ADDRESS + "}",
      description = {
        "The masters, tried in order; writes go to the leader, reads to any. Comma-separated or repeated, at most "
            + MasterAddresses.MAX + "; a DNS name resolving to several masters (a Kubernetes headless Service) counts"
            + " as one (default: $BATON_MASTER or ${DEFAULT-VALUE})."
      })
  List<String> addresses;

  @Option(
      names = "--retry-for",
      paramLabel = "DURATION",
      defaultValue = "60s",
      description = "How long to keep trying when no master answers or none leads, after the first failure: e.g. 30s,"
          + " 2m, 500ms; 0 tries each master once; at most 1h (default: ${DEFAULT-VALUE}).")
  String retryFor;

  MasterClient connect() {
    List<HostPort> parsed = MasterAddresses.parse("--master", addresses);
    return MasterClient.connect(parsed,
        RetryPolicy.DEFAULT.withRetryFor(RetryPolicy.parseRetryFor("--retry-for", retryFor)));
  }
}
