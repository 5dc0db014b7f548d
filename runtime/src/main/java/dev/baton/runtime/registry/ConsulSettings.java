package dev.baton.runtime.registry;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How a role talks to its Consul agent. Immutable and validated; build with {@link #builder()},
 * whose defaults are the named constants.
 *
 * @param address {@code host:port} of the agent's HTTP API, default {@value #DEFAULT_ADDRESS}
 * @param callTimeout connect, write and read timeout of every plain Consul call, default 3 s
 * @param checkMode which health checks a registration carries, default {@link CheckMode#GRPC}
 * @param checkInterval how often the agent runs the gRPC check, default 2 s
 * @param checkTimeout how long the agent waits for the gRPC check's answer, default 1 s (at most
 *     the interval)
 * @param ttl the TTL check's time to live, default 10 s; the process passes it every third of it
 * @param deregisterCriticalAfter the agent removes a service whose check stayed critical this long,
 *     default 1 min, which is Consul's floor (its reaper does not act sooner)
 * @param antiEntropyInterval how often a registration verifies the agent still has it (an agent
 *     restarted without state forgets its services), default 10 s
 * @param watchWait the wait of each blocking query, default 30 s, whole seconds from 1 s to 10 min;
 *     the HTTP read timeout of a blocking query is the wait plus Consul's jitter (wait/16) plus the
 *     call timeout, so a healthy query never times out on our side
 * @param initialBackoff first delay before retrying a failed call (jittered), default 200 ms
 * @param maxBackoff cap of the retry delay, default 5 s
 */
public record ConsulSettings(
    String address,
    Duration callTimeout,
    CheckMode checkMode,
    Duration checkInterval,
    Duration checkTimeout,
    Duration ttl,
    Duration deregisterCriticalAfter,
    Duration antiEntropyInterval,
    Duration watchWait,
    Duration initialBackoff,
    Duration maxBackoff) {

  public static final String DEFAULT_ADDRESS = "127.0.0.1:8500";
  /** The environment variable Consul's own tools read; when set, Baton uses Consul too. */
  public static final String ENV_ADDRESS = "CONSUL_HTTP_ADDR";
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(3);
  public static final CheckMode DEFAULT_CHECK_MODE = CheckMode.GRPC;
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);
  /** Consul does not reap a critical service sooner than this, whatever is asked. */
  public static final Duration MIN_DEREGISTER_CRITICAL_AFTER = Duration.ofMinutes(1);
  public static final Duration DEFAULT_DEREGISTER_CRITICAL_AFTER = MIN_DEREGISTER_CRITICAL_AFTER;
  public static final Duration DEFAULT_ANTI_ENTROPY_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_WATCH_WAIT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);

  public ConsulSettings {
    address = normalizeAddress(address);
    positive("callTimeout", callTimeout);
    Objects.requireNonNull(checkMode, "checkMode");
    positive("checkInterval", checkInterval);
    positive("checkTimeout", checkTimeout);
    if (checkTimeout.compareTo(checkInterval) > 0) {
      throw new IllegalArgumentException(
          "checkTimeout: " + checkTimeout + " (expected: <= checkInterval " + checkInterval + ")");
    }
    positive("ttl", ttl);
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= PT1S)");
    }
    if (deregisterCriticalAfter == null || deregisterCriticalAfter.compareTo(MIN_DEREGISTER_CRITICAL_AFTER) < 0) {
      throw new IllegalArgumentException("deregisterCriticalAfter: " + deregisterCriticalAfter
          + " (expected: >= PT1M, Consul's floor)");
    }
    positive("antiEntropyInterval", antiEntropyInterval);
    positive("watchWait", watchWait);
    if (watchWait.toMillis() % 1000 != 0 || watchWait.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException(
          "watchWait: " + watchWait + " (expected: whole seconds from PT1S to PT10M)");
    }
    positive("initialBackoff", initialBackoff);
    if (maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff: " + maxBackoff + " (expected: >= initialBackoff " + initialBackoff + ")");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().address(address).callTimeout(callTimeout).checkMode(checkMode)
        .checkInterval(checkInterval).checkTimeout(checkTimeout).ttl(ttl)
        .deregisterCriticalAfter(deregisterCriticalAfter).antiEntropyInterval(antiEntropyInterval)
        .watchWait(watchWait).initialBackoff(initialBackoff).maxBackoff(maxBackoff);
  }

  /**
   * The agent's address from {@code explicit} when given, else from {@value #ENV_ADDRESS}, else the
   * default; null when neither is given and {@code required} is false (Consul not asked for).
   */
  public static String resolveAddress(String explicit, Map<String, String> env, boolean required) {
    if (explicit != null && !explicit.isBlank()) {
      return normalizeAddress(explicit);
    }
    String fromEnv = env.get(ENV_ADDRESS);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return normalizeAddress(fromEnv);
    }
    return required ? DEFAULT_ADDRESS : null;
  }

  /** Accepts {@code host:port} or {@code http://host:port} (as CONSUL_HTTP_ADDR may hold). */
  static String normalizeAddress(String address) {
    String expected = " (expected: host:port of the Consul agent's HTTP API, e.g. " + DEFAULT_ADDRESS + ")";
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("consul address: missing" + expected);
    }
    String a = address.trim();
    if (a.startsWith("https://")) {
      throw new IllegalArgumentException("consul address: '" + address + "' (expected: plain HTTP; TLS is not supported yet)");
    }
    if (a.startsWith("http://")) {
      a = a.substring("http://".length());
    }
    if (a.endsWith("/")) {
      a = a.substring(0, a.length() - 1);
    }
    int colon = a.lastIndexOf(':');
    if (colon <= 0 || colon == a.length() - 1) {
      throw new IllegalArgumentException("consul address: '" + address + "'" + expected);
    }
    try {
      int port = Integer.parseInt(a.substring(colon + 1));
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("consul address: '" + address + "'" + expected);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("consul address: '" + address + "'" + expected, e);
    }
    return a;
  }

  private static void positive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }

  /** Builder with the named defaults; every setter is optional. */
  public static final class Builder {
    private String address = DEFAULT_ADDRESS;
    private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
    private CheckMode checkMode = DEFAULT_CHECK_MODE;
    private Duration checkInterval = DEFAULT_CHECK_INTERVAL;
    private Duration checkTimeout = DEFAULT_CHECK_TIMEOUT;
    private Duration ttl = DEFAULT_TTL;
    private Duration deregisterCriticalAfter = DEFAULT_DEREGISTER_CRITICAL_AFTER;
    private Duration antiEntropyInterval = DEFAULT_ANTI_ENTROPY_INTERVAL;
    private Duration watchWait = DEFAULT_WATCH_WAIT;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;

    private Builder() {}

    public Builder address(String v) {
      this.address = v;
      return this;
    }

    public Builder callTimeout(Duration v) {
      this.callTimeout = v;
      return this;
    }

    public Builder checkMode(CheckMode v) {
      this.checkMode = v;
      return this;
    }

    public Builder checkInterval(Duration v) {
      this.checkInterval = v;
      return this;
    }

    public Builder checkTimeout(Duration v) {
      this.checkTimeout = v;
      return this;
    }

    public Builder ttl(Duration v) {
      this.ttl = v;
      return this;
    }

    public Builder deregisterCriticalAfter(Duration v) {
      this.deregisterCriticalAfter = v;
      return this;
    }

    public Builder antiEntropyInterval(Duration v) {
      this.antiEntropyInterval = v;
      return this;
    }

    public Builder watchWait(Duration v) {
      this.watchWait = v;
      return this;
    }

    public Builder initialBackoff(Duration v) {
      this.initialBackoff = v;
      return this;
    }

    public Builder maxBackoff(Duration v) {
      this.maxBackoff = v;
      return this;
    }

    public ConsulSettings build() {
      return new ConsulSettings(address, callTimeout, checkMode, checkInterval, checkTimeout, ttl,
          deregisterCriticalAfter, antiEntropyInterval, watchWait, initialBackoff, maxBackoff);
    }
  }
}
