package dev.baton.cli;

import dev.baton.v1.MasterGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import dev.baton.runtime.security.ClientSecurity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Finds a master that will answer, for every client command: the one place that decides where a
 * call goes, when it is tried again and when the command gives up.
 *
 * <p>Several masters may run; one leads. A standby answers reads from the journal and refuses
 * writes with UNAVAILABLE and the trailer {@link #LEADER_KEY} naming the leader. So a call goes to
 * the master that last answered one of its kind (for writes, the leader), else the addresses in the
 * order given; on UNAVAILABLE it follows the trailer if there is one (at most {@link #MAX_HOPS} hops
 * in a row, so two confused standbys cannot bounce a call forever), else tries the next address;
 * after each full round of addresses it sleeps for the policy's jittered backoff; once the policy's
 * {@code retryFor} has passed since the first failure (every address having been tried once) it
 * fails with {@link MasterUnreachableException}: one line naming what each address said.
 *
 * <p>Each address is a gRPC channel on a {@code dns:///} target with {@code round_robin}, so one DNS
 * name that resolves to several masters (a Kubernetes headless Service) spreads calls over all of
 * them and skips those that are down; the leader named by a trailer gets a channel of its own.
 *
 * <p>Not thread-safe: a command uses it from its one thread (the watch included).
 */
final class LeaderFollower implements AutoCloseable {
  /** The trailer by which a standby names the leader, "host:port". Same key as runtime's server side. */
  static final Metadata.Key<String> LEADER_KEY = dev.baton.runtime.server.LeaderHint.KEY;
  /** Leader trailers followed in a row before the next address is tried and backoff applies. */
  static final int MAX_HOPS = 3;
  /** Channels kept to leaders that trailers named, besides the configured addresses. */
  static final int MAX_LEARNED = MasterAddresses.MAX;
  /** A GetPlan of a 100,000-task plan is tens of MiB. */
  private static final int MAX_INBOUND_BYTES = 64 * 1024 * 1024;

  /** Whether a call must reach the leader. */
  enum Kind {
    /** May be answered by any master (GetPlan, ListPlans, GetDashboard, WatchPlan, ...). */
    READ,
    /** Must be answered by the leader (SubmitPlan, CancelPlan). */
    WRITE
  }

  /** Sleeps between rounds; a test passes one that advances its clock instead. */
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final List<HostPort> addresses;
  private final RetryPolicy policy;
  private final Function<HostPort, ManagedChannel> channelFactory;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Random random;
  private final Map<HostPort, ManagedChannel> channels = new LinkedHashMap<>();
  private final Map<HostPort, ManagedChannel> learned = new LinkedHashMap<>();
  private HostPort leader;
  private HostPort lastRead;
  private HostPort lastAnswered;

  LeaderFollower(List<HostPort> addresses, RetryPolicy policy, Function<HostPort, ManagedChannel> channelFactory,
      Clock clock, Sleeper sleeper, Random random) {
    if (addresses.isEmpty() || addresses.size() > MasterAddresses.MAX) {
      throw new IllegalArgumentException("addresses: " + addresses.size() + " (expected: 1.." + MasterAddresses.MAX
          + ")");
    }
    this.addresses = List.copyOf(addresses);
    this.policy = policy;
    this.channelFactory = channelFactory;
    this.clock = clock;
    this.sleeper = sleeper;
    this.random = random;
  }

  /** Plaintext Netty channels with Baton's keepalive, real time and sleep. */
  static LeaderFollower create(List<HostPort> addresses, RetryPolicy policy) {
    return create(addresses, policy, ClientSecurity.plaintext());
  }

  /** Netty channels secured by {@code security} (TLS, call credentials) with Baton's keepalive. */
  static LeaderFollower create(List<HostPort> addresses, RetryPolicy policy, ClientSecurity security) {
    return new LeaderFollower(addresses, policy, address -> channel(address, security), Clock.systemUTC(),
        d -> TimeUnit.NANOSECONDS.sleep(d.toNanos()), new Random());
  }

  private static ManagedChannel channel(HostPort address, ClientSecurity security) {
    // nettyBuilder applies Baton's keepalive; a DNS name of several masters is balanced round robin
    return security.nettyBuilder(address.target())
        .defaultLoadBalancingPolicy("round_robin")
        .maxInboundMessageSize(MAX_INBOUND_BYTES)
        .build();
  }

  List<HostPort> addresses() {
    return addresses;
  }

  RetryPolicy policy() {
    return policy;
  }

  /** The master that answered the last call or stream, or the first address before any answered. */
  HostPort lastAnswered() {
    return lastAnswered == null ? addresses.get(0) : lastAnswered;
  }

  /**
   * Runs a unary call where {@code kind} says, retrying as the class describes. Statuses that are
   * not about reaching a master (INVALID_ARGUMENT, NOT_FOUND, ...) pass through at once.
   */
  <T> T call(Kind kind, String rpc, Function<MasterGrpc.MasterBlockingStub, T> call) {
    Attempts attempts = begin(kind, rpc);
    while (true) {
      try {
        T result = call.apply(attempts.stub(true));
        attempts.answered();
        return result;
      } catch (StatusRuntimeException e) {
        if (!retryable(e)) {
          throw e;
        }
        attempts.failed(e);
      }
    }
  }

  /** Codes that mean "this master cannot answer now; another, or the same later, may". */
  static boolean retryable(StatusRuntimeException e) {
    return switch (e.getStatus().getCode()) {
      case UNAVAILABLE, DEADLINE_EXCEEDED -> true;
      default -> false;
    };
  }

  /** The retry state of one operation: a unary call, or a stream re-opened across breaks. */
  Attempts begin(Kind kind, String rpc) {
    return new Attempts(kind, rpc);
  }

  /**
   * One operation's way through the masters. The retry time counts from the first failure after
   * the last sign of progress ({@link #answered}), so a watch that runs for hours may still ride
   * out a take-over at its end.
   */
  final class Attempts {
    private final Kind kind;
    private final String rpc;
    /** What each address said last, for the final message. */
    private final Map<HostPort, String> said = new LinkedHashMap<>();
    private HostPort target;
    private int cursor;
    private int hops;
    private int triedInRound;
    private boolean firstRoundDone;
    private Instant failingSince;
    private Duration backoff;
    private int tries;

    private Attempts(Kind kind, String rpc) {
      this.kind = kind;
      this.rpc = rpc;
      HostPort preferred = kind == Kind.WRITE ? leader : lastRead;
      int i = preferred == null ? -1 : addresses.indexOf(preferred);
      this.cursor = Math.max(i, 0);
      this.target = preferred != null ? preferred : addresses.get(0);
      this.backoff = policy.firstBackoff();
    }

    /** Where the next try goes. */
    HostPort target() {
      return target;
    }

    /** Tries made so far (1 during the first). */
    int tries() {
      return tries + 1;
    }

    /**
     * A stub on the current target; with {@code deadline} the policy's call deadline, cut to the
     * retry time left (streams pass false: a plan is watched as long as it runs).
     */
    MasterGrpc.MasterBlockingStub stub(boolean deadline) {
      ManagedChannel channel = channelFor(target);
      if (failingSince != null) {
        // gRPC waits out its own reconnect backoff (up to 2 minutes) before dialling a failed
        // address again; this class has already waited its own: dial now.
        channel.resetConnectBackoff();
      }
      MasterGrpc.MasterBlockingStub stub = MasterGrpc.newBlockingStub(channel);
      if (!deadline) {
        return stub;
      }
      Duration d = policy.callDeadline();
      if (failingSince != null) {
        Duration left = policy.retryFor().minus(Duration.between(failingSince, clock.instant()));
        d = min(d, max(left, RetryPolicy.MIN_CALL_DEADLINE));
      }
      return stub.withDeadlineAfter(d.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The target answered (a unary result, or a stream event): it is where this kind goes next time. */
    void answered() {
      failingSince = null;
      backoff = policy.firstBackoff();
      hops = 0;
      lastAnswered = target;
      if (kind == Kind.WRITE) {
        leader = target;
      } else {
        lastRead = target;
      }
    }

    /**
     * The try failed with a retryable status: moves to the leader it names or the next address,
     * sleeping after each full round; throws {@link MasterUnreachableException} once the retry
     * time has passed.
     */
    void failed(StatusRuntimeException e) {
      tries++;
      Instant now = clock.instant();
      if (failingSince == null) {
        failingSince = now;
      }
      Optional<HostPort> hint = leaderHint(e);
      said.put(target, describe(e, hint));
      if (hint.isPresent() && !hint.get().equals(target) && hops < MAX_HOPS) {
        hops++;
        target = hint.get();
        return;
      }
      hops = 0;
      if (kind == Kind.WRITE && target.equals(leader)) {
        leader = null; // it refused or is gone: do not start the next write there
      }
      if (++triedInRound >= addresses.size()) {
        triedInRound = 0;
        firstRoundDone = true;
      }
      Duration elapsed = Duration.between(failingSince, now);
      if (firstRoundDone && elapsed.compareTo(policy.retryFor()) >= 0) {
        throw giveUp();
      }
      if (triedInRound == 0) {
        long half = backoff.toMillis() / 2;
        Duration pause = min(Duration.ofMillis(half + (long) (random.nextDouble() * (half + 1))),
            policy.retryFor().minus(elapsed));
        backoff = min(backoff.multipliedBy(2), policy.maxBackoff());
        try {
          if (!pause.isNegative() && !pause.isZero()) {
            sleeper.sleep(pause);
          }
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw giveUp();
        }
      }
      cursor = (cursor + 1) % addresses.size();
      target = addresses.get(cursor);
    }

    private MasterUnreachableException giveUp() {
      List<String> parts = new ArrayList<>();
      said.forEach((address, what) -> parts.add(address + ": " + what));
      String who = addresses.size() == 1 ? "the master at " + addresses.get(0)
          : "a master at " + String.join(", ", addresses.stream().map(HostPort::toString).toList());
      String what = kind == Kind.WRITE && said.values().stream().anyMatch(s -> s.startsWith("standby"))
          ? "no leading master answered " + rpc : "cannot reach " + who;
      String within = policy.retryFor().isZero() ? "" : " within " + human(policy.retryFor());
      return new MasterUnreachableException(what + within + " (" + String.join("; ", parts)
          + "); start one with `baton up`, pass --master, or raise --retry-for", null);
    }
  }

  /** The leader a refusal names, if it names a valid one ({@link dev.baton.runtime.server.LeaderHint}). */
  static Optional<HostPort> leaderHint(StatusRuntimeException e) {
    return dev.baton.runtime.server.LeaderHint.from(e).flatMap(value -> {
      try {
        return Optional.of(HostPort.parse(LEADER_KEY.name(), value));
      } catch (CliException bad) {
        return Optional.empty(); // a garbled trailer is no hint: try the next address
      }
    });
  }


  private static String describe(StatusRuntimeException e, Optional<HostPort> hint) {
    if (hint.isPresent()) {
      return "standby, leader " + hint.get();
    }
    String d = e.getStatus().getDescription();
    Throwable cause = e.getCause();
    while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String detail = cause != null && cause.getMessage() != null ? cause.getMessage() : d;
    return e.getStatus().getCode() + (detail == null ? "" : " " + ExitCodes.oneLine(detail));
  }

  private ManagedChannel channelFor(HostPort address) {
    ManagedChannel c = channels.get(address);
    if (c != null) {
      return c;
    }
    if (addresses.contains(address)) {
      c = channelFactory.apply(address);
      channels.put(address, c);
      return c;
    }
    c = learned.get(address);
    if (c == null) {
      if (learned.size() >= MAX_LEARNED) { // drop the oldest learned leader: it is stale by now
        HostPort oldest = learned.keySet().iterator().next();
        learned.remove(oldest).shutdownNow();
      }
      c = channelFactory.apply(address);
      learned.put(address, c);
    }
    return c;
  }

  static String human(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    long s = d.toSeconds();
    return s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  @Override
  public void close() {
    List<ManagedChannel> all = new ArrayList<>(channels.values());
    all.addAll(learned.values());
    all.forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel c : all) {
      try {
        c.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
