/**
 * The benchmark suite of issues 5 and 9: delegation overhead beside raw gRPC, throughput, scheduling
 * quality against a level-synchronous baseline, scheduler cost and barrier latency; git at
 * repository scale, dependency finished to agent started, and many agents at once; each measured
 * on real in-JVM servers on localhost Netty, with real git and real agent processes; and for issue
 * 10 Baton beside Temporal (figure 9, only when named): the same no-op plans through a Baton mesh of
 * separate processes and through Temporal's dev server with a Java SDK worker. {@link dev.baton.bench.suite.BenchSuite} is the entry
 * point; {@code --quick} proves the harness in the test command.
 */
package dev.baton.bench.suite;
