/** JMH benchmarks of the master's hot paths, run from bench/target/benchmarks.jar (see BENCHMARKS.md). */
package dev.baton.bench;
