package dev.baton.runtime.droid;

import dev.baton.v1.Budget;
import dev.baton.v1.Usage;
import java.util.Locale;
import java.util.Optional;

/** Arithmetic on {@link Usage} totals, and checking them against a {@link Budget}. */
public final class Usages {
  private Usages() {}

  public static Usage plus(Usage a, Usage b) {
    return Usage.newBuilder()
        .setInputTokens(a.getInputTokens() + b.getInputTokens())
        .setOutputTokens(a.getOutputTokens() + b.getOutputTokens())
        .setCacheReadTokens(a.getCacheReadTokens() + b.getCacheReadTokens())
        .setCacheWriteTokens(a.getCacheWriteTokens() + b.getCacheWriteTokens())
        .setCostUsd(a.getCostUsd() + b.getCostUsd())
        .setCostEstimated(a.getCostEstimated() || b.getCostEstimated())
        .setTurns(a.getTurns() + b.getTurns())
        .setModel(a.getModel().isEmpty() ? b.getModel() : a.getModel())
        .build();
  }

  /** {@code a - b}, field by field (a running total minus an earlier one). */
  public static Usage minus(Usage a, Usage b) {
    return Usage.newBuilder()
        .setInputTokens(a.getInputTokens() - b.getInputTokens())
        .setOutputTokens(a.getOutputTokens() - b.getOutputTokens())
        .setCacheReadTokens(a.getCacheReadTokens() - b.getCacheReadTokens())
        .setCacheWriteTokens(a.getCacheWriteTokens() - b.getCacheWriteTokens())
        .setCostUsd(a.getCostUsd() - b.getCostUsd())
        .setCostEstimated(a.getCostEstimated())
        .setTurns(a.getTurns() - b.getTurns())
        .setModel(a.getModel())
        .build();
  }

  /** Input plus output tokens: what reports show. */
  public static long tokens(Usage u) {
    return u.getInputTokens() + u.getOutputTokens();
  }

  /**
   * The tokens a token budget counts: input, cache writes and output. Cache reads are left out:
   * agents re-read a large cached prompt every turn, and counting it would make token budgets
   * meaningless. One definition for the runners' task budgets and the master's plan budget.
   */
  public static long budgetTokens(Usage u) {
    return u.getInputTokens() + u.getCacheWriteTokens() + u.getOutputTokens();
  }

  /**
   * The first axis of {@code budget} that {@code usage} went past ("usd", "tokens" or "turns"), with
   * a message naming it; empty when within. Zero budget fields are no limit.
   */
  public static Optional<Exceeded> exceeded(Usage usage, Budget budget, String whose) {
    if (budget.getUsd() > 0 && usage.getCostUsd() > budget.getUsd()) {
      return Optional.of(new Exceeded("usd", String.format(Locale.ROOT, "budget exceeded: $%.4f > $%.4f (%s)",
          usage.getCostUsd(), budget.getUsd(), whose)));
    }
    if (budget.getTokens() > 0 && budgetTokens(usage) > budget.getTokens()) {
      return Optional.of(new Exceeded("tokens", String.format(Locale.ROOT, "budget exceeded: tokens %,d > %,d (%s)",
          budgetTokens(usage), budget.getTokens(), whose)));
    }
    if (budget.getTurns() > 0 && usage.getTurns() > budget.getTurns()) {
      return Optional.of(new Exceeded("turns", String.format(Locale.ROOT, "budget exceeded: turns %d > %d (%s)",
          usage.getTurns(), budget.getTurns(), whose)));
    }
    return Optional.empty();
  }

  /** Which budget axis was crossed, and the message that names it. */
  public record Exceeded(String axis, String message) {}

  /** A one-line summary: "12,345 tokens, 7 turns, $0.1234 (estimated)". */
  public static String describe(Usage u) {
    String cost = u.getCostUsd() == 0 ? "" : String.format(Locale.ROOT, ", $%.4f%s", u.getCostUsd(),
        u.getCostEstimated() ? " (estimated)" : "");
    return String.format(Locale.ROOT, "%,d tokens, %d turns%s", tokens(u), u.getTurns(), cost);
  }
}
