package dev.baton.runtime.registry;

import java.util.Optional;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.model.kv.Value;

/**
 * The Consul KV key the leading master holds: its value is the leader's client address
 * ({@code host:port}), and it counts only while a session holds it (the lock). A released key keeps
 * its last value with no session: that master no longer leads. Masters take the lock through
 * {@code dev.baton.master.leader.ConsulLeadership}; sub-orchestrators read the key before each dial
 * of the Coordinate stream.
 */
public final class LeaderKey {
  /** Default key; a master may be given another (the same for every master of one journal). */
  public static final String DEFAULT = "baton/leader";
  /** Longest key Baton accepts (Consul's own limit is far above). */
  public static final int MAX_LENGTH = 256;

  private LeaderKey() {}

  /** Checks a key: {@code [A-Za-z0-9._/-]}, no leading or trailing slash, at most {@value #MAX_LENGTH}. */
  public static String validate(String key) {
    if (key == null || key.length() > MAX_LENGTH || !key.matches("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")) {
      throw new IllegalArgumentException("leader key: '" + key + "' (expected: Consul KV path segments of"
          + " [A-Za-z0-9._-] joined by '/', at most " + MAX_LENGTH + " characters, e.g. " + DEFAULT + ")");
    }
    return key;
  }

  /** The leader's address in a read of the key: present only while a session holds it. */
  public static Optional<String> holder(Optional<Value> value) {
    return value
        .filter(v -> v.getSession().filter(s -> !s.isBlank()).isPresent())
        .flatMap(Value::getValueAsString)
        .map(String::trim)
        .filter(a -> !a.isEmpty());
  }

  /** Reads the key (one plain call, bounded by the client's call timeout); empty when nobody holds it. */
  public static Optional<String> read(Consul consul, String key) {
    return holder(consul.keyValueClient().getValue(key));
  }
}
