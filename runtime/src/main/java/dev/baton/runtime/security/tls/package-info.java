/**
 * Transport security: a development certificate authority ({@link
 * dev.baton.runtime.security.tls.CertificateAuthority}, for {@code baton certs} and {@code baton up}) and
 * TLS credentials from PEM files that are reloaded when they change ({@link
 * dev.baton.runtime.security.tls.TlsMaterial}). See the "Transport security (mTLS)" section of docs/security.md.
 */
package dev.baton.runtime.security.tls;
