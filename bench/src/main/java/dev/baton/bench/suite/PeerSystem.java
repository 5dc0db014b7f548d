package dev.baton.bench.suite;

/**
 * One side of figure 9, started and ready: something that runs a {@link NoOpPlan} from a client's
 * start call to its result. Used from one thread (the suite's), started and closed by it.
 */
interface PeerSystem extends AutoCloseable {
  /** The report's column heading, e.g. "Temporal (SQLite file)". */
  String label();

  /**
   * Runs {@code plan} once and returns the time a client saw, from just before its start call to
   * the result in its hands; fails when the result is not every task done exactly once.
   */
  Run run(NoOpPlan plan);

  @Override
  void close();

  /**
   * One run as the client saw it.
   *
   * @param millis from the start call to the result, in ms
   * @param tasksDone the tasks the system reports done (Baton: SUCCEEDED in the final status; the peer:
   *     activities the worker executed), checked against the plan after the clock stopped
   */
  record Run(double millis, int tasksDone) {}
}
