/** End-to-end tests: real baton processes on ephemeral localhost ports, driven over gRPC and the CLI. */
package dev.baton.cli.e2e;
