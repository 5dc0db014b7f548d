/**
 * Who may call what: transport security (mutual TLS), the caller's identity ({@link
 * dev.baton.runtime.security.Principal}, from a certificate or a bearer token), the roles each RPC
 * needs, and the per-caller limits. Every server takes a {@link dev.baton.runtime.security.ServerSecurity}
 * and every client channel a {@link dev.baton.runtime.security.ClientSecurity}; see docs/security.md.
 */
package dev.baton.runtime.security;
