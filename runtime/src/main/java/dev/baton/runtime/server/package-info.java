/** Starting a Baton gRPC server on Netty with health, reflection and one place that maps errors to status. */
package dev.baton.runtime.server;
