/** Thin gRPC handlers of baton.v1.Master and baton.v1.Coordination, with the one mapper between protos and the engine. */
package dev.baton.master.grpc;
