package dev.baton.runtime.coordination;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where the master may be: the {@link CoordinationClient} asks before every dial. A fixed list
 * ({@code --master a:1,b:2}) is tried in turn; with Consul the list is the leader named by the
 * {@code baton/leader} key, then every passing {@code baton-master}. A standby's leader hint
 * (UNAVAILABLE with {@code baton-leader}) overrides the list for the next dial.
 */
@FunctionalInterface
public interface MasterLocator {
  /**
   * Candidate {@code host:port} addresses, the likeliest leader first; empty while none is known.
   * Called on the client's scheduler thread before each dial: must answer within a call timeout.
   */
  List<String> candidates();

  /** The same addresses every time, in the given order (the first is dialled first). */
  static MasterLocator fixed(List<String> addresses) {
    List<String> copy = List.copyOf(Objects.requireNonNull(addresses, "addresses"));
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("master addresses: none (expected: at least one host:port)");
    }
    return () -> copy;
  }

  /** Candidates from several sources, in order, without repeats (e.g. the leader key, then the passing masters). */
  static MasterLocator firstOf(List<MasterLocator> sources) {
    List<MasterLocator> copy = List.copyOf(sources);
    return () -> {
      List<String> all = new ArrayList<>();
      for (MasterLocator source : copy) {
        for (String address : source.candidates()) {
          if (address != null && !address.isBlank() && !all.contains(address)) {
            all.add(address);
          }
        }
      }
      return all;
    };
  }
}
