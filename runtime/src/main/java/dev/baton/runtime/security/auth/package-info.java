/**
 * Who is calling and whether it may: {@link dev.baton.runtime.security.auth.Authenticator} turns a
 * verified client certificate or a bearer token into a {@link dev.baton.runtime.security.Principal},
 * {@link dev.baton.runtime.security.auth.AccessControl} checks it against {@link
 * dev.baton.runtime.security.auth.AccessRules}, one table of every RPC Baton serves. Both run on
 * the transport's thread before any handler; they hold no mutable state but the callers file's
 * snapshot (swapped whole). See docs/security.md.
 */
package dev.baton.runtime.security.auth;
