package dev.baton.runtime.security;

/**
 * A process's security, both ways: how its server accepts calls and how its clients make them.
 * Masters and sub-orchestrators take one each.
 */
public record Security(ServerSecurity server, ClientSecurity client) {
  /** Plaintext both ways, every caller trusted: loopback meshes and tests. */
  public static Security open() {
    return new Security(ServerSecurity.open(), ClientSecurity.plaintext());
  }
}
