/**
 * The benchmark suite of issue 5: delegation overhead beside raw gRPC, throughput, scheduling
 * quality against a level-synchronous baseline, scheduler cost and barrier latency, each measured
 * on real in-JVM servers on localhost Netty. {@link dev.baton.bench.suite.BenchSuite} is the entry
 * point; {@code --quick} proves the harness in the test command.
 */
package dev.baton.bench.suite;
