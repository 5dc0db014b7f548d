package dev.baton.master.leader;

import dev.baton.runtime.registry.LeaderKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a master campaigns in Consul. Immutable and validated; build with {@link #builder()}, whose
 * defaults are the named constants.
 *
 * @param key the KV key whose lock the leader holds, default {@value LeaderKey#DEFAULT}; every
 *     master of one journal must use the same, and sub-orchestrators read the default
 * @param ttl the session's time to live, default 10 s (Consul's {@code session_ttl_min}; a lower
 *     value needs that agent setting lowered), at most 24 h; renewed every third of it. Consul
 *     invalidates a session that was not renewed within up to twice the TTL, so a leader whose
 *     process hangs loses the lock within 2 x TTL, one whose process dies within its check interval
 * @param lockDelay Consul's lock-delay after an invalidated session, default 0 s: the epoch in
 *     the journal fences a deposed master's writes, so the lock need not keep the next leader
 *     waiting (Consul's default of 15 s would add 15 s to every take-over); at most 60 s
 * @param checks the master's own health check ids (its {@code baton-master} registration's) the
 *     session is tied to, besides {@value #SERF_HEALTH}: when one turns critical Consul invalidates
 *     the session and releases the lock. Empty ties it to the node's serf health only (a dead
 *     process on a live node then keeps the lock until the TTL runs out)
 * @param rejoinDelay after resigning, how long this master leaves the lock to the others before it
 *     campaigns again, default 2 s
 */
public record ConsulLeadershipSettings(
    String key, Duration ttl, Duration lockDelay, List<String> checks, Duration rejoinDelay) {
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);
  public static final Duration MAX_TTL = Duration.ofHours(24);
  public static final Duration DEFAULT_LOCK_DELAY = Duration.ZERO;
  public static final Duration MAX_LOCK_DELAY = Duration.ofSeconds(60);
  public static final Duration DEFAULT_REJOIN_DELAY = Duration.ofSeconds(2);
  /** The node's agent health check, which every Consul session needs to name to keep it. */
  public static final String SERF_HEALTH = "serfHealth";
  /** Most checks a session is tied to. */
  public static final int MAX_CHECKS = 16;

  public ConsulLeadershipSettings {
    LeaderKey.validate(key);
    if (ttl == null || ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_TTL) > 0
        || ttl.toMillis() % 1000 != 0) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: whole seconds from PT1S to PT24H;"
          + " Consul refuses less than its session_ttl_min, 10 s unless the agent lowers it)");
    }
    if (lockDelay == null || lockDelay.isNegative() || lockDelay.compareTo(MAX_LOCK_DELAY) > 0
        || lockDelay.toMillis() % 1000 != 0) {
      throw new IllegalArgumentException("lockDelay: " + lockDelay + " (expected: whole seconds from PT0S to PT1M)");
    }
    List<String> all = new ArrayList<>();
    all.add(SERF_HEALTH);
    for (String check : checks == null ? List.<String>of() : checks) {
      if (check == null || check.isBlank()) {
        throw new IllegalArgumentException("checks: a blank check id (expected: ids such as service:master-1:grpc)");
      }
      if (!all.contains(check)) {
        all.add(check);
      }
    }
    if (all.size() > MAX_CHECKS) {
      throw new IllegalArgumentException("checks: " + all.size() + " (expected: <= " + MAX_CHECKS + ")");
    }
    checks = List.copyOf(all);
    if (rejoinDelay == null || rejoinDelay.isNegative()) {
      throw new IllegalArgumentException("rejoinDelay: " + rejoinDelay + " (expected: >= 0)");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** How often the session is renewed: a third of the TTL. */
  public Duration renewEvery() {
    return ttl.dividedBy(3);
  }

  /** Builder with the named defaults; every setter is optional. */
  public static final class Builder {
    private String key = LeaderKey.DEFAULT;
    private Duration ttl = DEFAULT_TTL;
    private Duration lockDelay = DEFAULT_LOCK_DELAY;
    private List<String> checks = List.of();
    private Duration rejoinDelay = DEFAULT_REJOIN_DELAY;

    private Builder() {}

    public Builder key(String v) {
      this.key = v;
      return this;
    }

    public Builder ttl(Duration v) {
      this.ttl = v;
      return this;
    }

    public Builder lockDelay(Duration v) {
      this.lockDelay = v;
      return this;
    }

    /** The master's own health check ids ({@code ServiceRegistration.checkIds}). */
    public Builder checks(List<String> v) {
      this.checks = v;
      return this;
    }

    public Builder rejoinDelay(Duration v) {
      this.rejoinDelay = v;
      return this;
    }

    public ConsulLeadershipSettings build() {
      return new ConsulLeadershipSettings(key, ttl, lockDelay, checks, rejoinDelay);
    }
  }
}
