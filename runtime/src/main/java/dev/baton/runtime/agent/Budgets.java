package dev.baton.runtime.agent;

import com.google.protobuf.Timestamp;
import dev.baton.runtime.droid.Usages;
import dev.baton.v1.Budget;
import dev.baton.v1.Usage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The limits a run must stay within: per axis, the smaller non-zero limit of the task's budget
 * (the package's) and the droid's own (its definition's), remembering which one it came from so
 * the message can name it.
 *
 * <p>Tokens are {@link Usages#budgetTokens}: input, cache writes and output.
 */
record Budgets(Limit usd, Limit tokens, Limit turns, Limit wall) {

  /** One axis: 0 = none. */
  record Limit(double value, String source) {
    boolean set() {
      return value > 0;
    }
  }

  /** Why a budget stopped the run: its axis ("usd", "tokens", "turns", "wall") and the message. */
  record Overrun(String axis, String message) {}

  static Budgets of(Budget task, Budget droid) {
    return new Budgets(
        smaller(task.getUsd(), droid.getUsd()),
        smaller(task.getTokens(), droid.getTokens()),
        smaller(task.getTurns(), droid.getTurns()),
        smaller(task.getWallMillis(), droid.getWallMillis()));
  }

  private static Limit smaller(double task, double droid) {
    if (task > 0 && (droid <= 0 || task <= droid)) {
      return new Limit(task, "task budget");
    }
    return droid > 0 ? new Limit(droid, "droid budget") : new Limit(0, "");
  }

  /** The first axis {@code usage} is past, if any. */
  Optional<Overrun> check(Usage usage) {
    if (tokens.set() && Usages.budgetTokens(usage) > tokens.value()) {
      return Optional.of(new Overrun("tokens", String.format(Locale.ROOT, "budget exceeded: tokens %,d > %,d (%s)",
          Usages.budgetTokens(usage), (long) tokens.value(), tokens.source())));
    }
    if (usd.set() && usage.getCostUsd() > usd.value()) {
      return Optional.of(new Overrun("usd", String.format(Locale.ROOT, "budget exceeded: usd %,.4f > %,.2f (%s%s)",
          usage.getCostUsd(), usd.value(), usd.source(), usage.getCostEstimated() ? ", cost estimated from tokens" : "")));
    }
    if (turns.set() && usage.getTurns() > turns.value()) {
      return Optional.of(new Overrun("turns", String.format(Locale.ROOT, "budget exceeded: turns %d > %d (%s)",
          usage.getTurns(), (long) turns.value(), turns.source())));
    }
    return Optional.empty();
  }

  /**
   * When the run must end by the wall budget or the package's deadline, whichever comes first,
   * with the overrun to report then; empty when neither is set.
   */
  Optional<WallLimit> wallLimit(Timestamp deadline, Clock clock) {
    Duration byBudget = wall.set() ? Duration.ofMillis((long) wall.value()) : null;
    Duration byDeadline = null;
    if (deadline != null && (deadline.getSeconds() != 0 || deadline.getNanos() != 0)) {
      Instant end = Instant.ofEpochSecond(deadline.getSeconds(), deadline.getNanos());
      byDeadline = Duration.between(clock.instant(), end);
      if (byDeadline.isNegative()) {
        byDeadline = Duration.ZERO;
      }
    }
    if (byBudget == null && byDeadline == null) {
      return Optional.empty();
    }
    if (byDeadline == null || (byBudget != null && byBudget.compareTo(byDeadline) <= 0)) {
      return Optional.of(new WallLimit(byBudget, new Overrun("wall",
          "budget exceeded: wall time > " + describe(byBudget) + " (" + wall.source() + ")")));
    }
    Instant end = Instant.ofEpochSecond(deadline.getSeconds(), deadline.getNanos());
    return Optional.of(new WallLimit(byDeadline, new Overrun("wall",
        "budget exceeded: wall time past the task's deadline " + end + " (task deadline)")));
  }

  record WallLimit(Duration after, Overrun overrun) {}

  static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
