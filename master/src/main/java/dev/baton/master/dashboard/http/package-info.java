/**
 * The master's web dashboard over HTTP: static files of the web app, a JSON and server-sent-events
 * API that calls the same {@code MasterService} logic as the gRPC API (docs/dashboard.md).
 */
package dev.baton.master.dashboard.http;
